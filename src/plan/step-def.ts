// What one provisioning step declares: its metadata, when it applies, the data its template needs (typed), and the
// template that turns that data into the body of its shell function. Steps are made with defineStep<Vars>(), which
// ties the vars the plan carries to the declaration, and names the template from the step id unless told otherwise.
import type { Inventory, NodeEntry } from '../model/inventory.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Settings } from '../model/settings.js'
import type { NodePlan, Step } from '../model/plan.js'

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
  /** storage.server is one of the inventory's nodes. */
  storageServerInCluster: boolean
}

export interface StepDef<V extends object = object> {
  id: string
  title: string
  network: boolean
  rootable: boolean
  /** Settings sections the step reads, for provenance in `bai-seed plan`. */
  settings: string[]
  /** Template under templates/script/ (without .sh.hbs) holding the step's shell function body. */
  template: string
  applies(ctx: PlanContext): boolean
  vars(ctx: PlanContext): V
  /** What the operator should know about this step on this node (`plan` shows them, `render` prints them once). */
  notes?(ctx: PlanContext): string[]
  /** What the step downloads (URLs, apt repositories, image pulls), for `bai-seed plan`. */
  fetches?(ctx: PlanContext): string[]
  /**
   * What the step takes from the offline payload instead (paths in its tree, src/plan/offline-plan.ts), for `plan` of a
   * node with `offline:`: such a node fetches nothing from the network, so `fetches` is not shown for it.
   */
  payloadFetches?(ctx: PlanContext): string[]
  /**
   * What each `auto` setting the step reads comes to on this node (dotted key -> the value, taken from its vars), so
   * `plan` shows the value the script uses (test/plan/resolved-values.test.ts checks it is in the step's function).
   */
  resolves?(ctx: PlanContext, vars: V): Record<string, string | number | boolean>
  /** Settings the step reads but does not use on this node (dotted key -> why): `plan` marks them, validation warns. */
  ignores?(ctx: PlanContext): Record<string, string>
  /**
   * Seconds the step takes at most on a healthy node (default DEFAULT_STEP_EXPECT): a node that reports nothing for
   * longer while in this step is `stalled` (bai-seed status). The deadline travels with the step's start event.
   */
  expect?(ctx: PlanContext): number
}

/** The expected duration of a step that declares none: most steps write files or install a few packages. */
export const DEFAULT_STEP_EXPECT = 15 * 60

export type StepDeclaration<V extends object> = Omit<StepDef<V>, 'template'> & { template?: string }

/** Declares a step: `template` defaults to `steps/<id>` (templates/script/steps/<id>.sh.hbs). */
export function defineStep<V extends object>(declaration: StepDeclaration<V>): StepDef<V> {
  return { ...declaration, template: declaration.template ?? `steps/${declaration.id}` }
}

/** The planned step of this declaration in a plan, with its vars typed, or undefined when the step does not apply. */
export function plannedStep<V extends object>(plan: Pick<NodePlan, 'steps'>, def: StepDef<V>): Step<V> | undefined {
  return plan.steps.find((s) => s.id === def.id) as Step<V> | undefined
}
