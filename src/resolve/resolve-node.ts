// Resolves the settings of each node: the implicit `base` profile, then the node's roles (with their `extends`
// chains linearised so a shared ancestor applies once, parents before children, in the order written), then the
// node's own `overrides`. Records where every value came from.
import type { Inventory, NodeEntry } from '../model/inventory.js'
import type { Origin, ResolvedNode } from '../model/resolved.js'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import type { SourceDoc } from '../load/source-doc.js'
import { mergeInto, type Tree, type MergeTrace } from './merge.js'
import { lookupProfile, profileLabel, type Profile, type ProfileSet } from './profile-set.js'
import { checkedSettings } from '../validate/settings-complete.js'

export const BASE_PROFILE = 'base'

function diag(doc: SourceDoc, path: (string | number)[], code: string, message: string): Diagnostic {
  const { line, col } = doc.locate(path, 'value')
  return { file: doc.file, line, col, code, path: dotted(path), message, severity: 'error' }
}

export function dotted(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '')
}

/** Post-order, de-duplicated list of the profiles `names` stand for, with their ancestors first. */
export function linearize(
  set: ProfileSet,
  names: string[],
  from: { profile?: Profile; doc: SourceDoc; path: (string | number)[] },
  diagnostics: Diagnostic[],
  out: Profile[] = [],
  stack: Profile[] = [],
): Profile[] {
  names.forEach((name, i) => {
    const profile = lookupProfile(set, name, from.profile)
    if (!profile) {
      const known = [...set.byName.keys()].sort().join(', ')
      const what = from.profile ? `unknown parent profile "${name}"` : `unknown role "${name}"`
      diagnostics.push(diag(from.doc, [...from.path, i], from.profile ? 'UNKNOWN_PROFILE' : 'UNKNOWN_ROLE', `${what} (known: ${known})`))
      return
    }
    if (stack.includes(profile)) {
      const cycle = [...stack.slice(stack.indexOf(profile)), profile].map((p) => p.name).join(' -> ')
      diagnostics.push(diag(from.doc, [...from.path, i], 'PROFILE_CYCLE', `profiles extend each other in a cycle: ${cycle}`))
      return
    }
    if (out.includes(profile)) return
    linearize(set, profile.extends, { profile, doc: profile.doc, path: ['extends'] }, diagnostics, out, [...stack, profile])
    if (!out.includes(profile)) out.push(profile)
  })
  return out
}

export interface ResolvedProfile {
  settings: Tree
  trace: MergeTrace
  chain: Profile[]
}

function applyProfiles(chain: Profile[]): ResolvedProfile {
  const settings: Tree = {}
  const trace: MergeTrace = { origins: new Map() }
  for (const p of chain) {
    mergeInto(settings, p.settings, trace, (path): Origin => ({ file: p.file, path: ['settings', ...path], source: profileLabel(p) }))
  }
  return { settings, trace, chain }
}

/** Resolves one profile by name, as `bai-seed profiles show NAME` prints it. */
export function resolveProfile(set: ProfileSet, name: string, diagnostics: Diagnostic[]): ResolvedProfile | undefined {
  const profile = lookupProfile(set, name)
  if (!profile) return undefined
  const chain = linearize(set, [name], { doc: profile.doc, path: [] }, diagnostics)
  return applyProfiles(chain)
}

export function resolveNode(
  inventory: Inventory,
  inventoryDoc: SourceDoc,
  index: number,
  set: ProfileSet,
  diagnostics: Diagnostic[],
): ResolvedNode | undefined {
  const node: NodeEntry = inventory.nodes[index]!
  const before = diagnostics.length
  const chain = linearize(set, [BASE_PROFILE], { doc: inventoryDoc, path: ['nodes', index, 'roles'] }, diagnostics)
  linearize(set, node.roles, { doc: inventoryDoc, path: ['nodes', index, 'roles'] }, diagnostics, chain)
  if (diagnostics.length > before) return undefined
  const { settings, trace } = applyProfiles(chain)
  if (node.overrides) {
    mergeInto(settings, node.overrides as Tree, trace, (path): Origin => ({
      file: inventoryDoc.file,
      path: ['nodes', index, 'overrides', ...path],
      source: `node:${node.hostname}`,
    }))
  }
  const checked = checkedSettings(settings)
  if (!checked.settings) {
    const shown = checked.missing.slice(0, 5).join(', ') + (checked.missing.length > 5 ? `, ... (${checked.missing.length})` : '')
    diagnostics.push(diag(inventoryDoc, ['nodes', index, 'roles'], 'SETTINGS_INCOMPLETE',
      `no profile of ${node.hostname} sets ${shown}: the base profile (or one replacing it) must set every field`))
    return undefined
  }
  return { node, index, settings: checked.settings, origins: trace.origins }
}
