// resolve -> plan: one NodePlan per selected node. Reads the plaintext password (if the inventory points at one)
// here, once, and hands it only to the hashing in buildPlan.
import type { NodePlan } from '../model/plan.js'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import type { LoadedCluster } from './load-cluster.js'
import { buildPlan } from '../plan/build-plan.js'
import { readPlaintext, PasswordSourceError } from '../plan/password.js'

export interface PlanRequest {
  /** Hostnames to plan; empty means every node. */
  only: string[]
  powerOffWhenDone: boolean
  env: NodeJS.ProcessEnv
}

export function planCluster(cluster: LoadedCluster, request: PlanRequest): { plans: NodePlan[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const inventory = cluster.inventory!
  const doc = cluster.inventoryDoc!
  const known = new Set(inventory.nodes.map((n) => n.hostname))
  for (const name of request.only) {
    if (!known.has(name)) {
      diagnostics.push({ file: doc.file, line: 1, col: 1, code: 'UNKNOWN_NODE', path: 'nodes', severity: 'error',
        message: `--node ${name}: no such node in the inventory (nodes: ${[...known].join(', ')})` })
    }
  }
  let plaintext: string | null = null
  try {
    plaintext = readPlaintext(inventory.password, doc.file, request.env)
  } catch (e) {
    if (!(e instanceof PasswordSourceError)) throw e
    const { line, col } = doc.locate(['password'], 'value')
    diagnostics.push({ file: doc.file, line, col, code: 'PASSWORD_SOURCE', path: 'password', severity: 'error', message: e.message })
  }
  if (diagnostics.length) return { plans: [], diagnostics }
  const selected = cluster.nodes.filter((n) => request.only.length === 0 || request.only.includes(n.node.hostname))
  const plans = selected.map((n) => buildPlan(inventory, n, { powerOffWhenDone: request.powerOffWhenDone, plaintextPassword: plaintext }))
  return { plans, diagnostics }
}
