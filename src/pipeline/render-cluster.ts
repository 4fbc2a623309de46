// The whole render: load -> validate -> resolve -> plan -> render -> write. Returns diagnostics instead of writing
// when the input has errors.
import type { Diagnostic } from '../validate/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import type { NodePlan } from '../model/plan.js'
import { loadCluster, hasErrors, type ClusterInput } from './load-cluster.js'
import { planCluster } from './plan-cluster.js'
import { renderNode } from '../render/render-node.js'
import { writeOutput, type StageHook } from '../write/output-dir.js'
import { sourceDateEpoch } from '../write/source-date.js'

export interface RenderRequest extends ClusterInput {
  outDir: string
  only: string[]
  powerOffWhenDone: boolean
  isos: boolean
  env: NodeJS.ProcessEnv
}

export interface RenderResult {
  diagnostics: Diagnostic[]
  plans: NodePlan[]
  manifest?: Manifest
}

/** load -> plan, shared by render, plan and the media commands. */
export function planFromInput(request: Omit<RenderRequest, 'outDir' | 'isos'>): { plans: NodePlan[]; diagnostics: Diagnostic[] } {
  const cluster = loadCluster(request)
  if (hasErrors(cluster.diagnostics)) return { plans: [], diagnostics: cluster.diagnostics }
  const planned = planCluster(cluster, request)
  return { plans: planned.plans, diagnostics: [...cluster.diagnostics, ...planned.diagnostics] }
}

export async function renderCluster(request: RenderRequest): Promise<RenderResult> {
  const epoch = sourceDateEpoch(request.env)
  const { plans, diagnostics } = planFromInput(request)
  if (hasErrors(diagnostics)) return { diagnostics, plans: [] }
  const nodes = plans.map((plan) => ({ hostname: plan.hostname, artifacts: renderNode(plan) }))
  const hooks: StageHook[] = []
  if (request.isos) {
    const { seedIsoHook } = await import('../write/seed-iso.js')
    hooks.push(seedIsoHook(epoch))
  }
  const manifest = await writeOutput(nodes, { dir: request.outDir, epoch, hooks })
  return { diagnostics, plans, manifest }
}
