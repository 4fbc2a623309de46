// Checks of a settings patch as written (a profile's `settings:` or a node's `overrides:`), beyond schema and field
// rules: uid/gid ranges, and a list set both replaced and appended in one place.
import type { SourceDoc } from '../load/source-doc.js'
import type { Diagnostic, PathSegment } from '../diagnostics/diagnostic.js'
import { diagnosticAt } from '../diagnostics/diagnostic-at.js'
import { M } from '../diagnostics/messages.js'

export const LOCAL_ID_MIN = 1000
export const LOCAL_ID_MAX = 59999

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** `patch` is the value at `base` in `doc`. */
export function checkSettingsPatch(doc: SourceDoc, patch: unknown, base: PathSegment[]): Diagnostic[] {
  const out: Diagnostic[] = []
  if (!isRecord(patch)) return out
  const user = patch.user
  if (isRecord(user)) {
    for (const which of ['uid', 'gid'] as const) {
      const v = user[which]
      if (typeof v !== 'number' || !Number.isInteger(v)) continue
      const path = [...base, 'user', which]
      if (v === 0) out.push(diagnosticAt(doc, path, which === 'uid' ? 'UID_ZERO' : 'GID_ZERO', M.idZero(which)))
      else if (v < LOCAL_ID_MIN || v > LOCAL_ID_MAX) {
        out.push(diagnosticAt(doc, path, which === 'uid' ? 'UID_RANGE' : 'GID_RANGE', M.idRange(which, v), 'warning'))
      }
    }
  }
  for (const [section, fields] of Object.entries(patch)) {
    if (!isRecord(fields)) continue
    for (const key of Object.keys(fields)) {
      if (key.endsWith('+') && Object.hasOwn(fields, key.slice(0, -1))) {
        out.push(diagnosticAt(doc, [...base, section, key], 'LIST_REPLACE_AND_APPEND', M.replaceAndAppend(key.slice(0, -1)), 'error', 'key'))
      }
    }
  }
  return out
}
