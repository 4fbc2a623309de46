// The plan as people read it (`bai-seed plan`): per node, what the install does, where its packages and downloads come
// from, then the ordered steps, and for each setting a step reads, the value and the profile (or node override) that
// set it. Each setting is shown once, under the first step that reads it; `auto` values show what they resolve to.
import type { NodePlan } from '../model/plan.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Inventory } from '../model/inventory.js'
import { describeRootLv } from './root-lv.js'
import { maskDeep } from './mask-credentials.js'

export interface DescribedSetting {
  key: string
  value: unknown
  from: string
  /** What an `auto` value resolves to on this node. */
  resolved?: unknown
  /** Why the value is not used on this node (the chosen method ignores it). */
  ignored?: string
}

export interface DescribedStep {
  id: string
  title: string
  network: boolean
  settings: DescribedSetting[]
  notes: string[]
  /** What the step downloads. */
  fetches: string[]
  /** Seconds of silence in this step after which the node is `stalled`. */
  expect: number
  /** Who set `expect` (the profile or node override whose settings.expected_durations names the step); absent for the step's own. */
  expectFrom?: string
}

export interface DescribedSource {
  what: string
  value: string
  from: string
}

export interface DescribedPlan {
  hostname: string
  roles: string[]
  /** The OS target, its architecture, and where the choice came from (`nodes[1].os`, `cluster.os`, `default`). */
  target: { id: string; arch: string; from: string }
  /** What the autoinstall does beyond the steps (the installed system's disk layout). */
  install: string[]
  sources: DescribedSource[]
  /** Where the node reports its stages (inventory `reporting`), when it does. */
  reporting?: { url: string; from: string }
  steps: DescribedStep[]
}

function leafSettings(node: ResolvedNode, section: string): DescribedSetting[] {
  const out: DescribedSetting[] = []
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k])
      return
    }
    const key = path.join('.')
    let origin = node.origins.get(key)
    for (let i = path.length - 1; !origin && i > 0; i--) origin = node.origins.get(path.slice(0, i).join('.'))
    out.push({ key, value, from: origin?.source ?? 'default' })
  }
  walk((node.settings as unknown as Record<string, unknown>)[section], [section])
  return out
}

/** The profile or node override that set the step's duration (settings.expected_durations.<id>), when one did. */
function expectOrigin(node: ResolvedNode, id: string): { expectFrom?: string } {
  if (!Object.hasOwn(node.settings.expected_durations, id)) return {}
  const origin = node.origins.get(`expected_durations.${id}`) ?? node.origins.get('expected_durations')
  return { expectFrom: origin?.source ?? 'default' }
}

/** `45 min`, or `90 s` under 5 minutes (a profile's short one), and who set it when not the step itself. */
export function stallText(s: DescribedStep): string {
  const silence = s.expect >= 300 || s.expect % 60 === 0 ? `${Math.round(s.expect / 60)} min` : `${s.expect} s`
  return s.expectFrom ? `${silence}  <- ${s.expectFrom} expected_durations.${s.id}` : silence
}

/** Where the node's packages, images and downloads come from (mirrors, proxy, download URLs). */
function describeSources(plan: NodePlan, inventory: Inventory | undefined): DescribedSource[] {
  const m = inventory?.mirrors ?? {}
  const src = (what: string, value: string | undefined, key: string, fallback: string): DescribedSource =>
    value ? { what, value, from: `inventory mirrors.${key}` } : { what, value: fallback, from: 'default' }
  const out: DescribedSource[] = []
  const o = plan.offline
  if (o) {
    const where = o.delivery === 'volume' ? `a second volume labelled ${o.source}` : o.source
    const trust = [o.manifestSha256 && `manifest sha256 ${o.manifestSha256}`, o.signer && `manifest signed by ${o.signer.split(' ').slice(0, 2).join(' ')}`].filter(Boolean).join(', ')
    out.push({ what: 'offline payload', value: `every download from ${where} (${trust}); never the network`, from: 'inventory offline' })
  }
  out.push(
    src('apt', m.apt, 'apt', 'the Ubuntu archive'),
    src('Docker apt', m.docker_apt, 'docker_apt', "Docker's apt repository"),
    src('PyPI', m.pypi, 'pypi', 'PyPI'),
    src('image registry', m.registry, 'registry', 'as named in each image'),
    src('Docker Hub', m.docker_hub?.join(', '), 'docker_hub', 'Docker Hub'),
    src('proxy', m.proxy, 'proxy', 'none'),
  )
  const python = plan.steps.find((s) => s.id === 'python')
  if (python?.vars.baseUrl) out.push({ what: 'Python', value: String(python.vars.baseUrl), from: 'settings python.base_url' })
  if (inventory?.password) {
    const p = inventory.password
    const how = p.hash ? 'a crypt hash in the inventory' : p.env ? `environment variable ${p.env}, hashed at render time` : `file ${p.file}, hashed at render time`
    out.push({ what: 'password', value: how, from: 'inventory password' })
  }
  return out
}

/**
 * `node`: the resolved node the plan was made from. Credentials in URLs (proxy, mirrors, any setting) are masked:
 * what `plan` prints in every form comes from here.
 */
export function describePlan(plan: NodePlan, node: ResolvedNode, inventory?: Inventory): DescribedPlan {
  return maskDeep(describeUnmasked(plan, node, inventory))
}

function describeUnmasked(plan: NodePlan, node: ResolvedNode, inventory?: Inventory): DescribedPlan {
  const shown = new Set<string>()
  // A section's settings are shown under the first step that reads it, with what any step resolved them to.
  const resolvedAll = new Map(plan.steps.flatMap((s) => Object.entries(s.resolved ?? {})))
  const ignoredAll = new Map(plan.steps.flatMap((s) => Object.entries(s.ignored ?? {})))
  return {
    hostname: plan.hostname,
    roles: node.node.roles,
    target: { id: plan.target.id, arch: plan.target.arch, from: plan.target.from },
    install: [describeRootLv(plan.rootLv)],
    sources: describeSources(plan, inventory),
    ...(plan.reporting ? { reporting: { url: plan.reporting.url, from: `inventory ${plan.reporting.from}` } } : {}),
    steps: plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      network: s.network,
      settings: s.settings
        .filter((section) => !shown.has(section) && shown.add(section))
        .flatMap((section) => leafSettings(node, section))
        .map((set) => {
          const resolved = set.value === 'auto' ? resolvedAll.get(set.key) : undefined
          const ignored = ignoredAll.get(set.key)
          return {
            ...set,
            ...(resolved !== undefined && resolved !== 'auto' ? { resolved } : {}),
            ...(ignored === undefined ? {} : { ignored }),
          }
        }),
      notes: s.notes,
      fetches: plan.offline ? s.fetches.map((f) => `${f} (from the offline payload)`) : s.fetches,
      expect: s.expect,
      ...expectOrigin(node, s.id),
    })),
  }
}

/** One node's text, ending with an empty line. */
export function formatPlan(p: DescribedPlan): string {
  const lines = [`${p.hostname} (roles: ${p.roles.join(', ')})`]
  lines.push(`  target: ${p.target.id} ${p.target.arch}  <- ${p.target.from}`)
  for (const line of p.install) lines.push(`  install: ${line}`)
  lines.push('  sources:')
  for (const s of p.sources) lines.push(`        ${s.what}: ${s.value}  <- ${s.from}`)
  if (p.reporting) lines.push(`  reports to: ${p.reporting.url}report/${p.hostname}/<token>  <- ${p.reporting.from}`)
  p.steps.forEach((s, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${s.id}${s.network ? ' [network]' : ''}: ${s.title}`)
    for (const set of s.settings) {
      const value = set.resolved === undefined ? JSON.stringify(set.value) : `${JSON.stringify(set.value)} -> ${JSON.stringify(set.resolved)}`
      lines.push(`        ${set.key} = ${value}  <- ${set.from}${set.ignored ? `  (ignored: ${set.ignored})` : ''}`)
    }
    for (const note of s.notes) lines.push(`        note: ${note}`)
    for (const f of s.fetches) lines.push(`        fetches ${f}`)
    if (p.reporting) lines.push(`        stalled when silent for ${stallText(s)}`)
  })
  return lines.join('\n') + '\n\n'
}
