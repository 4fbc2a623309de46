// The validation entry points the pipeline calls: the validate branch's checks, adapted to the pipeline's arguments.
import type { Inventory } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Diagnostic } from '../validate/diagnostic.js'
import type { SourceDoc } from '../load/source-doc.js'
import type { ProfileSet } from '../resolve/profile-set.js'
import { validateInventory } from '../validate/validate-inventory.js'
import { validateProfile } from '../validate/validate-profile.js'
import { validateResolved } from '../validate/validate-resolved.js'

export function checkInventory(doc: SourceDoc, roles: Set<string>): Diagnostic[] {
  return validateInventory(doc, roles)
}

export function checkProfile(doc: SourceDoc): Diagnostic[] {
  return validateProfile(doc)
}

export function checkResolved(nodes: ResolvedNode[], _inv: Inventory, doc: SourceDoc, profiles: ProfileSet): Diagnostic[] {
  // Origins name a file; its loaded document gives the position.
  const docs = new Map<string, SourceDoc>([[doc.file, doc]])
  for (const list of profiles.byName.values()) for (const p of list) docs.set(p.doc.file, p.doc)
  return validateResolved(nodes, doc, (origin) => {
    const source = docs.get(origin.file) ?? doc
    return { file: source.file, ...source.locate(origin.path) }
  })
}
