// What one provisioning step declares: its metadata, when it applies, and the data its template needs.
import type { Inventory, NodeEntry } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Settings } from '../model/settings.js'
import type { NodePlan } from '../model/plan.js'

export interface PlanContext {
  inventory: Inventory
  resolved: ResolvedNode
  settings: Settings
  node: NodeEntry
  /** Everything in the node plan except `steps`. */
  plan: Omit<NodePlan, 'steps'>
  /** Facts about the whole cluster that a node's steps need. */
  cluster: ClusterFacts
}

export interface ClusterFacts {
  /** Hostnames of the service nodes: those running a Backend.AI service other than the agent. */
  serviceHosts: ReadonlySet<string>
}

export interface StepDef {
  id: string
  title: string
  network: boolean
  rootable: boolean
  /** Settings sections the step reads, for provenance in `bai-seed plan`. */
  settings: string[]
  applies(ctx: PlanContext): boolean
  vars(ctx: PlanContext): Record<string, unknown>
  /** What the operator should know about this step on this node (`plan` shows them, `render` prints them once). */
  notes?(ctx: PlanContext): string[]
  /** What the step downloads (URLs, apt repositories, image pulls), for `bai-seed plan`. */
  fetches?(ctx: PlanContext): string[]
}
