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

/** `node`: the resolved node the plan was made from. */
export function describePlan(plan: NodePlan, node: ResolvedNode): DescribedPlan {
  return {
    hostname: plan.hostname,
    roles: node.node.roles,
    steps: plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      network: s.network,
      settings: s.settings.flatMap((section) => leafSettings(node, section)),
      fetches: s.fetches,
    })),
  }
}

export function describePlans(plans: NodePlan[], nodes: ResolvedNode[]): DescribedPlan[] {
  const byHost = new Map(nodes.map((n) => [n.node.hostname, n]))
  return plans.map((plan) => describePlan(plan, byHost.get(plan.hostname)!))
}

/** One node's text, ending with an empty line. */
export function formatPlan(p: DescribedPlan): string {
  const lines = [`${p.hostname} (roles: ${p.roles.join(', ')})`]
  p.steps.forEach((s, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${s.id}${s.network ? ' [network]' : ''}: ${s.title}`)
    for (const set of s.settings) lines.push(`        ${set.key} = ${JSON.stringify(set.value)}  <- ${set.from}`)
    for (const f of s.fetches) lines.push(`        fetches ${f}`)
  })
  return lines.join('\n') + '\n\n'
}

export function formatPlans(plans: DescribedPlan[]): string {
  return plans.map(formatPlan).join('').slice(0, -1)
}
