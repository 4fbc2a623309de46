// `bai-seed plan` output, produced node by node from a plan stream: the JSON array of described plans, or the text
// for people. Same bytes as describing every plan at once and printing the whole (plus the final newline).
import type { PlanStream } from './plan-cluster.js'
import { describePlan, formatPlan, type DescribedPlan } from '../plan/describe-plan.js'
import { jsonArrayText } from '../write/text-stream.js'
import type { Inventory } from '../model/inventory.js'
import { formatGroups, groupPlans } from '../plan/plan-groups.js'

function* described(planned: Pick<PlanStream, 'plans' | 'nodes'>, inventory?: Inventory): Generator<DescribedPlan> {
  const byHost = new Map(planned.nodes.map((n) => [n.node.hostname, n]))
  for (const plan of planned.plans) yield describePlan(plan, byHost.get(plan.hostname)!, inventory)
}

/**
 * `inventory`: for the sources each node's packages and downloads come from. `grouped`: the cluster view (nodes with
 * identical plans as one group); otherwise every node's own plan.
 */
export function* describedPlanText(
  planned: Pick<PlanStream, 'plans' | 'nodes'>,
  json: boolean,
  inventory?: Inventory,
  grouped = false,
): Generator<string> {
  if (json) {
    yield* jsonArrayText(described(planned, inventory))
    yield '\n'
    return
  }
  if (grouped) {
    yield formatGroups(groupPlans(described(planned, inventory)), inventory?.cluster.name ?? 'cluster')
    return
  }
  let any = false
  for (const d of described(planned, inventory)) {
    yield formatPlan(d)
    any = true
  }
  if (!any) yield '\n'
}
