// Both name mappings (level 1 and Joliet) lose information, so two names of a folder can map to the same
// identifier. This assigns identifiers that are unique within the folder, deterministically.

export interface NameCandidate {
  /** The identifier the name maps to before any collision is resolved. */
  preferred: string
  /** True when the mapping kept the name as it was: such names never get a suffix. */
  unchanged: boolean
}

/**
 * Candidates come in a fixed order (the folder's names sorted by their bytes). Unchanged names claim their
 * identifier first; then every other name takes its preferred identifier if still free, else variant(i, n) for
 * the smallest n = 1, 2, ... that is free. `keyOf` says when two identifiers count as the same.
 */
export function assignUniqueNames(
  candidates: NameCandidate[],
  variant: (index: number, n: number) => string,
  keyOf: (identifier: string) => string = (s) => s,
): string[] {
  const taken = new Set<string>()
  const out: (string | undefined)[] = new Array(candidates.length)
  candidates.forEach((c, i) => {
    if (c.unchanged && !taken.has(keyOf(c.preferred))) {
      taken.add(keyOf(c.preferred))
      out[i] = c.preferred
    }
  })
  // Continue counting where the last collision on the same preferred identifier stopped: linear, not quadratic.
  const nextN = new Map<string, number>()
  candidates.forEach((c, i) => {
    if (out[i] !== undefined) return
    let id = c.preferred
    let n = nextN.get(c.preferred) ?? 1
    while (taken.has(keyOf(id))) id = variant(i, n++)
    nextN.set(c.preferred, n)
    taken.add(keyOf(id))
    out[i] = id
  })
  return out as string[]
}
