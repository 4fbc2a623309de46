// "did you mean ...?" for misspelt keys and enum values: the closest candidate by edit distance, if it is close.

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]!
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
