// NoCloud meta-data. The instance-id changes when the user-data changes, so cloud-init treats a changed seed as a
// new instance and applies it; re-rendering the same inputs keeps it.
import { createHash } from 'node:crypto'
import type { NodePlan } from '../../model/plan.js'

export function buildMetaData(plan: NodePlan, userData: string): Record<string, unknown> {
  const digest = createHash('sha256').update(userData).digest('hex').slice(0, 12)
  return { 'instance-id': `iid-${plan.hostname}-${digest}`, 'local-hostname': plan.hostname }
}
