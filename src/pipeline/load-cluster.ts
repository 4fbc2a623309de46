// load -> validate -> resolve: reads the inventory and the profiles, checks them, and resolves every node's settings.
// Every problem found along the way is collected; the caller decides (exit code 2, nothing written).
import { statSync } from 'node:fs'
import { dirname, resolve as resolvePath, join } from 'node:path'
import type { Inventory } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import { diagnosticAt } from '../diagnostics/diagnostic-at.js'
import { InputError } from '../diagnostics/errors.js'
import { M } from '../diagnostics/messages.js'
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

export function shippedProfilesDir(): string {
  return join(packageRoot(), 'profiles')
}

/**
 * The shipped profiles, then the folders the inventory names (already checked, absolute), then the --profiles
 * folders in the order given. A --profiles folder that is missing or not a folder is an input error (exit 2): a
 * mistyped folder must not be ignored silently.
 */
export function loadProfiles(flagDirs: readonly string[], diagnostics: Diagnostic[], inventoryDirs: readonly string[] = []): ProfileSet {
  for (const dir of flagDirs) {
    const st = statSync(dir, { throwIfNoEntry: false })
    if (!st) throw new InputError('PROFILES_DIR', `--profiles ${dir}: no such folder`)
    if (!st.isDirectory()) throw new InputError('PROFILES_DIR', `--profiles ${dir}: not a folder (give the folder that holds the profile files)`)
  }
  return loadProfileSet([shippedProfilesDir(), ...inventoryDirs, ...flagDirs.map((d) => resolvePath(d))], diagnostics, validateProfile)
}

/** The `profiles:` folders of the inventory, relative to the inventory file; a missing one is an error at its line. */
function inventoryProfileDirs(doc: SourceDoc, diagnostics: Diagnostic[]): string[] {
  const list = (doc.value as { profiles?: unknown } | null)?.profiles
  if (!Array.isArray(list)) return []
  const dirs: string[] = []
  list.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry === '') return
    const dir = resolvePath(dirname(doc.file), entry)
    const st = statSync(dir, { throwIfNoEntry: false })
    if (!st) diagnostics.push(diagnosticAt(doc, ['profiles', i], 'PROFILES_DIR', M.profilesDirMissing(dir)))
    else if (!st.isDirectory()) diagnostics.push(diagnosticAt(doc, ['profiles', i], 'PROFILES_DIR', M.profilesDirNotFolder(dir)))
    else dirs.push(dir)
  })
  return dirs
}

export function loadCluster(input: ClusterInput): LoadedCluster {
  const diagnostics: Diagnostic[] = []
  const loaded = loadYamlFile(input.inventoryFile)
  // A newcomer's first run, in a folder without an inventory: say how to get one.
  for (const d of loaded.diagnostics) if (d.code === 'FILE_READ' && d.message === M.fileNotFound) d.message = M.inventoryNotFound
  const doc = loaded.doc
  const profiles = loadProfiles(input.profileDirs, diagnostics, doc ? inventoryProfileDirs(doc, diagnostics) : [])
  diagnostics.push(...loaded.diagnostics)
  if (!doc) return { profiles, nodes: [], diagnostics }
  // A profile that failed to load is reported once, with its own error, not as an unknown role on every node.
  const found = validateInventory(doc, new Set([...profiles.byName.keys(), ...profiles.broken]))
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
