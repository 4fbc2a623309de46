// NoCloud meta-data. The instance-id changes when the user-data changes, so cloud-init treats a changed seed as a
// new instance and applies it; re-rendering the same inputs keeps it.
import { createHash } from 'node:crypto'
import type { NodePlan } from '../../model/plan.js'

/** sha256 (hex) of the user-data's UTF-8 bytes: the instance-id is made from it, and manifest.json lists it. */
export function userDataDigest(userData: string): string {
  return createHash('sha256').update(userData, 'utf8').digest('hex')
}

export function buildMetaData(plan: NodePlan, userData: string, digest = userDataDigest(userData)): Record<string, unknown> {
  return { 'instance-id': `iid-${plan.hostname}-${digest.slice(0, 12)}`, 'local-hostname': plan.hostname }
}
