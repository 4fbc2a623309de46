// The plan as people read it (`bai-seed plan`): per node, the ordered steps, and for each setting a step reads, the
// value and the profile (or node override) that set it.
import type { NodePlan } from '../model/plan.js'
import type { ResolvedNode } from '../model/resolved.js'

export interface DescribedSetting {
  key: string
  value: unknown
  from: string
}

export interface DescribedStep {
  id: string
  title: string
  network: boolean
  settings: DescribedSetting[]
  /** What the step downloads. */
  fetches: string[]
}

export interface DescribedPlan {
  hostname: string
  roles: string[]
  /** The OS target, its architecture, and where the choice came from (`nodes[1].os`, `cluster.os`, `default`). */
  target: { id: string; arch: string; from: string }
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

export function describePlans(plans: NodePlan[], nodes: ResolvedNode[]): DescribedPlan[] {
  return plans.map((plan) => {
    const node = nodes.find((n) => n.node.hostname === plan.hostname)!
    return {
      hostname: plan.hostname,
      roles: node.node.roles,
      target: { id: plan.target.id, arch: plan.target.arch, from: plan.target.from },
      steps: plan.steps.map((s) => ({
        id: s.id,
        title: s.title,
        network: s.network,
        settings: s.settings.flatMap((section) => leafSettings(node, section)),
        fetches: s.fetches,
      })),
    }
  })
}

export function formatPlans(plans: DescribedPlan[]): string {
  const lines: string[] = []
  for (const p of plans) {
    lines.push(`${p.hostname} (roles: ${p.roles.join(', ')})`)
    lines.push(`  target: ${p.target.id} ${p.target.arch}  <- ${p.target.from}`)
    p.steps.forEach((s, i) => {
      lines.push(`  ${String(i + 1).padStart(2)}. ${s.id}${s.network ? ' [network]' : ''}: ${s.title}`)
      for (const set of s.settings) lines.push(`        ${set.key} = ${JSON.stringify(set.value)}  <- ${set.from}`)
      for (const f of s.fetches) lines.push(`        fetches ${f}`)
    })
    lines.push('')
  }
  return lines.join('\n')
}
