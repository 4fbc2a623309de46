// Median and spread of repeated measurements.

export interface Spread {
  median: number
  min: number
  max: number
  runs: number
}

export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('no samples')
  const s = [...samples].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: s.length }
}

/** a / b of two medians, the way every ratio in the report is formed. */
export function ratio(a: Spread, b: Spread): number {
  return a.median / b.median
}
