// The apt sources of a node with an apt mirror, as both user-data documents carry them (autoinstall's `apt`, cloud-init's
// `apt`): primary and security from the same mirror, since a site without internet access reaches no other archive.
import type { NodePlan } from '../model/plan.js'

export function aptMirrorSources(plan: NodePlan): Record<string, unknown> {
  const mirror = plan.mirrors.apt
  if (!mirror) return {}
  return { primary: [{ arches: ['default'], uri: mirror }], security: [{ arches: ['default'], uri: mirror }] }
}
