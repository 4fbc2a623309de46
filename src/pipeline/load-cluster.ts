// load -> validate -> resolve: reads the inventory and the profiles, checks them, and resolves every node's settings.
// Every problem found along the way is collected; the caller decides (exit code 2, nothing written).
import { resolve as resolvePath, join } from 'node:path'
import type { Inventory } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { SourceDoc } from '../load/source-doc.js'
import { loadYamlFile } from '../load/load-yaml.js'
import { inventoryFromDoc } from '../load/inventory-from-doc.js'
import { loadProfileSet, type ProfileSet } from '../resolve/profile-set.js'
import { resolveNode } from '../resolve/resolve-node.js'
import { packageRoot } from '../package-root.js'
import { validateInventory } from '../validate/validate-inventory.js'
import { validateProfile } from '../validate/validate-profile.js'
import { validateResolved } from '../validate/validate-resolved.js'

export interface ClusterInput {
  inventoryFile: string
  /** User profile folders, applied over the shipped profiles in this order. */
  profileDirs: string[]
}

export interface LoadedCluster {
  inventory?: Inventory
  inventoryDoc?: SourceDoc
  profiles: ProfileSet
  nodes: ResolvedNode[]
  diagnostics: Diagnostic[]
}

function shippedProfilesDir(): string {
  return join(packageRoot(), 'profiles')
}

export function loadProfiles(profileDirs: string[], diagnostics: Diagnostic[]): ProfileSet {
  return loadProfileSet([shippedProfilesDir(), ...profileDirs.map((d) => resolvePath(d))], diagnostics, validateProfile)
}

export function loadCluster(input: ClusterInput): LoadedCluster {
  const diagnostics: Diagnostic[] = []
  const profiles = loadProfiles(input.profileDirs, diagnostics)
  const loaded = loadYamlFile(input.inventoryFile)
  diagnostics.push(...loaded.diagnostics)
  const doc = loaded.doc
  if (!doc) return { profiles, nodes: [], diagnostics }
  const found = validateInventory(doc, new Set(profiles.byName.keys()))
  diagnostics.push(...found)
  if (hasErrors(diagnostics)) return { profiles, nodes: [], diagnostics, inventoryDoc: doc }
  const inventory = inventoryFromDoc(doc)
  const nodes: ResolvedNode[] = []
  inventory.nodes.forEach((_, i) => {
    const node = resolveNode(inventory, doc, i, profiles, diagnostics)
    if (node) nodes.push(node)
  })
  if (!hasErrors(diagnostics)) diagnostics.push(...checkResolved(nodes, doc, profiles))
  return { inventory, inventoryDoc: doc, profiles, nodes, diagnostics }
}

/** Checks the resolved nodes; an origin names a file, and its loaded document gives the position. */
function checkResolved(nodes: ResolvedNode[], doc: SourceDoc, profiles: ProfileSet): Diagnostic[] {
  const docs = new Map<string, SourceDoc>([[doc.file, doc]])
  for (const list of profiles.byName.values()) for (const p of list) docs.set(p.doc.file, p.doc)
  return validateResolved(nodes, doc, (origin) => {
    const source = docs.get(origin.file) ?? doc
    return { file: source.file, ...source.locate(origin.path) }
  })
}
