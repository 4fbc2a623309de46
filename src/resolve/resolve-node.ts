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

/** How deep `extends` chains may go: far beyond any real use, and a clear error instead of a stack overflow. */
export const MAX_EXTENDS_DEPTH = 64

interface Frame {
  /** The profile whose `extends` this frame walks (none for the roles of a node). */
  self?: Profile
  /** Profile the names are looked up from (self-references mean the profile below). */
  from?: Profile
  names: string[]
  next: number
  doc: SourceDoc
  path: (string | number)[]
}

/**
 * Post-order, de-duplicated list of the profiles `names` stand for, with their ancestors first. Walks with its own
 * stack (a chain of thousands of profiles must not overflow the call stack) and stops at MAX_EXTENDS_DEPTH.
 */
export function linearize(
  set: ProfileSet,
  names: string[],
  from: { profile?: Profile; doc: SourceDoc; path: (string | number)[] },
  diagnostics: Diagnostic[],
  out: Profile[] = [],
): Profile[] {
  const done = new Set(out)
  const ancestors: Profile[] = []
  const onPath = new Set<Profile>()
  const frames: Frame[] = [{ from: from.profile, names, next: 0, doc: from.doc, path: from.path }]
  let tooDeep = false
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!
    if (frame.next >= frame.names.length) {
      frames.pop()
      if (frame.self) {
        ancestors.pop()
        onPath.delete(frame.self)
        if (!done.has(frame.self)) {
          done.add(frame.self)
          out.push(frame.self)
        }
      }
      continue
    }
    const i = frame.next++
    const name = frame.names[i]!
    const profile = lookupProfile(set, name, frame.from)
    if (!profile) {
      const known = [...set.byName.keys()].sort().join(', ')
      const what = frame.from ? `unknown parent profile "${name}"` : `unknown role "${name}"`
      diagnostics.push(diag(frame.doc, [...frame.path, i], frame.from ? 'UNKNOWN_PROFILE' : 'UNKNOWN_ROLE', `${what} (known: ${known})`))
      continue
    }
    if (onPath.has(profile)) {
      const cycle = [...ancestors.slice(ancestors.indexOf(profile)), profile].map((p) => p.name).join(' -> ')
      diagnostics.push(diag(frame.doc, [...frame.path, i], 'PROFILE_CYCLE', `profiles extend each other in a cycle: ${cycle}`))
      continue
    }
    if (done.has(profile)) continue
    if (ancestors.length >= MAX_EXTENDS_DEPTH) {
      if (!tooDeep) {
        const chain = `${ancestors.slice(0, 2).map((p) => p.name).join(' -> ')} -> ... -> ${ancestors[ancestors.length - 1]!.name} -> ${profile.name}`
        diagnostics.push(diag(frame.doc, [...frame.path, i], 'PROFILE_DEPTH', `extends chain deeper than ${MAX_EXTENDS_DEPTH} profiles (${chain}); make it shallower`))
        tooDeep = true
      }
      continue
    }
    ancestors.push(profile)
    onPath.add(profile)
    frames.push({ self: profile, from: profile, names: profile.extends, next: 0, doc: profile.doc, path: ['extends'] })
  }
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

// Nodes with the same roles and no overrides resolve to the same settings: resolved once per chain and shared (read
// only), so a 10,000-node inventory holds a handful of settings trees, not 10,000.
const byChain = new WeakMap<ProfileSet, Map<string, ResolvedProfile>>()

const checkedByTree = new WeakMap<Tree, ReturnType<typeof checkedSettings>>()

function appliedChain(set: ProfileSet, chain: Profile[]): ResolvedProfile {
  let cache = byChain.get(set)
  if (!cache) byChain.set(set, (cache = new Map()))
  const key = chain.map((p) => `${p.file}\0${p.name}`).join('\n')
  let hit = cache.get(key)
  if (!hit) cache.set(key, (hit = applyProfiles(chain)))
  return hit
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
  const shared = appliedChain(set, chain)
  let settings = shared.settings
  let origins = shared.trace.origins
  if (node.overrides) {
    settings = structuredClone(shared.settings)
    const trace: MergeTrace = { origins: new Map(shared.trace.origins) }
    mergeInto(settings, node.overrides as Tree, trace, (path): Origin => ({
      file: inventoryDoc.file,
      path: ['nodes', index, 'overrides', ...path],
      source: `node:${node.hostname}`,
    }))
    origins = trace.origins
  }
  // Checked once per shared tree (nodes without overrides share it), once per node with overrides.
  let checked = checkedByTree.get(settings)
  if (!checked) checkedByTree.set(settings, (checked = checkedSettings(settings)))
  if (!checked.settings) {
    const shown = checked.missing.slice(0, 5).join(', ') + (checked.missing.length > 5 ? `, ... (${checked.missing.length})` : '')
    diagnostics.push(diag(inventoryDoc, ['nodes', index, 'roles'], 'SETTINGS_INCOMPLETE',
      `no profile of ${node.hostname} sets ${shown}: the base profile (or one replacing it) must set every field`))
    return undefined
  }
  return { node, index, settings: checked.settings, origins }
}
