// Merge rules for profile settings (documented in README "Profiles"):
// - maps merge deeply, key by key;
// - lists and scalars replace what the parent had;
// - a key written `name+` appends its list to the parent's list `name` instead of replacing it.
import type { Origin } from '../model/resolved.js'

export type Tree = Record<string, unknown>

export interface MergeTrace {
  /** Dotted settings path -> where its current value was set. */
  origins: Map<string, Origin>
}

function isMap(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function forgetBelow(origins: Map<string, Origin>, prefix: string): void {
  for (const key of [...origins.keys()]) if (key.startsWith(prefix + '.')) origins.delete(key)
}

/**
 * Applies `patch` onto `base` (which is modified in place) and records origins.
 * `origin(path)` builds the Origin of a value found at `path` inside the patch (path relative to the settings root).
 */
export function mergeInto(
  base: Tree,
  patch: Tree,
  trace: MergeTrace,
  origin: (path: string[]) => Origin,
  at: string[] = [],
): void {
  for (const rawKey of Object.keys(patch)) {
    const append = rawKey.endsWith('+')
    const key = append ? rawKey.slice(0, -1) : rawKey
    const value = patch[rawKey]
    const path = [...at, key]
    const dotted = path.join('.')
    if (append) {
      const parent = Array.isArray(base[key]) ? (base[key] as unknown[]) : []
      base[key] = [...parent, ...(value as unknown[])]
      trace.origins.set(dotted, origin([...at, rawKey]))
    } else if (isMap(value) && isMap(base[key])) {
      mergeInto(base[key] as Tree, value, trace, origin, path)
    } else {
      base[key] = structuredClone(value)
      forgetBelow(trace.origins, dotted)
      trace.origins.set(dotted, origin(path))
      if (isMap(value)) recordLeaves(value, trace, origin, path)
    }
  }
}

function recordLeaves(value: Tree, trace: MergeTrace, origin: (path: string[]) => Origin, at: string[]): void {
  for (const [k, v] of Object.entries(value)) {
    const path = [...at, k]
    trace.origins.set(path.join('.'), origin(path))
    if (isMap(v)) recordLeaves(v, trace, origin, path)
  }
}
