// A node's report URL: the plan's `reporting.url` + report/<hostname>/<token>, the token from the output folder's key
// (node-token.ts, purpose 'report'). It is a secret of the render, not of the plan: the plan holds only the base URL.
// A netbooted node's kernel command line carries the same path under the PXE HTTP base (bai_seed.done=, boot-options.ts):
// its finished install is one of its report events, whether or not the inventory asks for `reporting`.
import type { NodePlan } from '../model/plan.js'
import { nodeToken } from '../serve/node-token.js'
import { planHoldsSecrets } from '../plan/plan-secrets.js'

/** The first path segment of every report: POST /report/<hostname>/<token> (report-route.ts). */
export const REPORT_PREFIX = 'report'

/** `report/<hostname>/<token>`: a node's report path below a server's base URL. */
export function reportPath(hostname: string, token: string): string {
  return `${REPORT_PREFIX}/${hostname}/${token}`
}

export function reportUrlOf(plan: Pick<NodePlan, 'hostname' | 'reporting'>, key: Buffer | null): string | undefined {
  if (!plan.reporting || !key) return undefined
  return `${plan.reporting.url}${reportPath(plan.hostname, nodeToken(key, 'report', plan.hostname))}`
}

/**
 * Whether the files of this plan's node are owner-only (0600 on disk and inside ISOs, served only with the node's seed
 * token): they hold a secret of the plan or the node's report token.
 */
export function nodeFilesAreSecret(plan: NodePlan): boolean {
  return planHoldsSecrets(plan) || plan.reporting !== undefined
}
