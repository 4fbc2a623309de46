// The whole render: load -> validate -> resolve -> plan -> render -> write. Returns diagnostics instead of writing
// when the input has errors.
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import type { NodePlan } from '../model/plan.js'
import { loadCluster, type ClusterInput } from './load-cluster.js'
import { planCluster } from './plan-cluster.js'
import { renderNode } from '../render/render-node.js'
import { writeOutput, type NodeOutput } from '../write/output-dir.js'
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
  /** Notes about the outputs (not the inputs), for the user. */
  notes: string[]
}

/** The smallest user-data limit among common clouds (EC2 takes 16 KiB). NoCloud seeds and most others take more. */
export const SMALL_USER_DATA_LIMIT = 16384

/** From this many nodes on, files are written and hashed in a worker thread while the next nodes are rendered. */
export const PARALLEL_WRITE_NODES = 16

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
  if (hasErrors(diagnostics)) return { diagnostics, plans: [], notes: [] }
  let largest = 0
  // Rendered one node at a time as the writer takes them, so only one node's texts are held at once.
  function* renderedNodes(): Generator<NodeOutput> {
    for (const plan of plans) {
      const artifacts = renderNode(plan)
      largest = Math.max(largest, Buffer.byteLength(artifacts.find((a) => a.path === 'cloud-init/user-data')!.content))
      yield { hostname: plan.hostname, artifacts }
    }
  }
  const parallel = plans.length >= PARALLEL_WRITE_NODES
  const manifest = await writeOutput(renderedNodes(), { dir: request.outDir, epoch, seedIsos: request.isos, parallel })
  const notes: string[] = []
  if (largest > SMALL_USER_DATA_LIMIT) {
    notes.push(`cloud-init/user-data is up to ${Math.ceil(largest / 1024)} KiB: seed ISOs, PXE and most clouds take it, ` +
      'but EC2 accepts at most 16 KiB; gzip it there (cloud-init reads gzip-compressed user-data)')
  }
  return { diagnostics, plans, manifest, notes }
}
