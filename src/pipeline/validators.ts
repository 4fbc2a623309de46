// The validation entry points the pipeline calls (TEMPORARY no-ops until the validate branch lands).
import type { Inventory } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Diagnostic } from '../validate/diagnostic.js'
import type { SourceDoc } from '../load/source-doc.js'
import type { ProfileSet } from '../resolve/profile-set.js'

export function checkInventory(_doc: SourceDoc, _roles: Set<string>): Diagnostic[] {
  return []
}
export function checkProfile(_doc: SourceDoc): Diagnostic[] {
  return []
}
export function checkResolved(_nodes: ResolvedNode[], _inv: Inventory, _doc: SourceDoc, _profiles: ProfileSet): Diagnostic[] {
  return []
}
