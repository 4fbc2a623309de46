// "did you mean ...?" for misspelt keys and enum values: the closest candidate by edit distance, if it is close.

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The candidate within distance max(1, len/3) of `word` (case-insensitive), the closest first; undefined if none. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase()
  const limit = Math.max(1, Math.floor(word.length / 3))
  let best: string | undefined
  let bestDist = Infinity
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase())
    if (d <= limit && d < bestDist) {
      best = c
      bestDist = d
    }
  }
  return best
}

/** At most `n` candidates nearest to `word` by edit distance (ties in the candidates' order), for "known: ..." lists. */
export function nearest(word: string, candidates: readonly string[], n: number): string[] {
  if (candidates.length <= n) return [...candidates]
  const w = word.toLowerCase()
  return candidates
    .map((c, i) => ({ c, i, d: editDistance(w, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, n)
    .map((x) => x.c)
}

/** " (did you mean "x"?)", or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates)
  return c === undefined ? '' : ` (did you mean ${JSON.stringify(c)}?)`
}

/** "a, b, c" for a short list; the `n` nearest to `word` and how many more for a long one. */
export function someOf(word: string, candidates: readonly string[], n = 5): string {
  const shown = nearest(word, candidates, n)
  return candidates.length > shown.length ? `${shown.join(', ')}, ... (${candidates.length} in all)` : shown.join(', ')
}
