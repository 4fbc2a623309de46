// A node's report URL: the plan's `reporting.url` + report/<hostname>/<token>, the token from the output folder's key
// (node-token.ts, purpose 'report'). It is a secret of the render, not of the plan: the plan holds only the base URL.
import type { NodePlan } from '../model/plan.js'
import { nodeToken } from '../serve/node-token.js'
import { REPORT_PREFIX } from './report-route.js'

export function reportUrlOf(plan: Pick<NodePlan, 'hostname' | 'reporting'>, key: Buffer | null): string | undefined {
  if (!plan.reporting || !key) return undefined
  return `${plan.reporting.url}${REPORT_PREFIX}/${plan.hostname}/${nodeToken(key, 'report', plan.hostname)}`
}

/** Whether the files of this plan's node are owner-only: they hold a secret of the plan or the node's report token. */
export function reportsWithToken(plan: Pick<NodePlan, 'reporting'>): boolean {
  return plan.reporting !== undefined
}
