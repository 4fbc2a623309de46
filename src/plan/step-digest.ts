// What a step is asked to do, as a short digest: provision.sh records it when the step is done, and runs a done step
// again when a re-rendered script carries another digest (a changed sysctl value, a new image ...).
import { createHash } from 'node:crypto'

// Frozen lists are shared by every node of a cluster (the /etc/hosts block): hashed once each.
const frozenDigests = new WeakMap<readonly unknown[], string>()

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (Object.isFrozen(value)) {
      let d = frozenDigests.get(value)
      if (d === undefined) {
        d = createHash('sha256').update(JSON.stringify(value.map(canonical))).digest('hex')
        frozenDigests.set(value, d)
      }
      return { frozen: d }
    }
    return value.map(canonical)
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k])
    return out
  }
  return value
}

/** 16 hex digits of sha256 over the step id and its template variables (keys sorted). */
export function stepDigest(id: string, vars: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify([id, canonical(vars)])).digest('hex').slice(0, 16)
}
