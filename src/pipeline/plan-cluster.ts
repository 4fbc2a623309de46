// resolve -> plan: one NodePlan per selected node. Reads the plaintext password (if the inventory points at one)
// here, once, and hands it only to the hashing in buildPlan.
import type { NodePlan } from '../model/plan.js'
import type { ResolvedNode } from '../model/resolved.js'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import type { LoadedCluster } from './load-cluster.js'
import { buildPlan } from '../plan/build-plan.js'
import { readPlaintext, PasswordSourceError } from '../plan/password.js'
import { clusterFacts } from '../plan/cluster-facts.js'
import { closest, someOf } from '../validate/did-you-mean.js'
import { M } from '../diagnostics/messages.js'

export interface PlanRequest {
  /** Hostnames to plan; empty means every node. */
  only: string[]
  powerOffWhenDone: boolean
  env: NodeJS.ProcessEnv
  /**
   * Read the plaintext password (render). `plan` for review needs no secret: it plans with a stand-in, so the steps
   * are the same as a render's, and nothing shows a hash.
   */
  readSecrets?: boolean
  /**
   * With readSecrets: a password that cannot be read is a warning, and the plan is made with a stand-in
   * (`plan --diff` needs no secret either; it then says which files and steps depend on the password).
   */
  secretsOptional?: boolean
  /** The stand-in for an unread password (default REVIEW_PLACEHOLDER). */
  standIn?: string
}

/** Stands in for the plaintext password when the plan is only shown (never hashed into a file). */
const REVIEW_PLACEHOLDER = 'bai-seed plan: not read'

export interface PlanStream {
  diagnostics: Diagnostic[]
  /** The selected nodes, in inventory order. */
  nodes: ResolvedNode[]
  /** Their plans, each built when the iteration reaches it (a 10,000-node cluster is never held as plans at once). */
  plans: Iterable<NodePlan>
  /** False when the plans hold a stand-in for a password from env or file instead of the password. */
  passwordRead: boolean
}

export function planCluster(cluster: LoadedCluster, request: PlanRequest): { plans: NodePlan[]; diagnostics: Diagnostic[] } {
  const stream = streamPlans(cluster, request)
  return { plans: [...stream.plans], diagnostics: stream.diagnostics }
}

export function streamPlans(cluster: LoadedCluster, request: PlanRequest): PlanStream {
  const diagnostics: Diagnostic[] = []
  const inventory = cluster.inventory!
  const doc = cluster.inventoryDoc!
  const hostnames = inventory.nodes.map((n) => n.hostname)
  const known = new Set(hostnames)
  for (const name of request.only) {
    if (!known.has(name)) {
      // A 500-node cluster: the closest name and a few near ones, never every node.
      diagnostics.push({ file: doc.file, line: 1, col: 1, code: 'UNKNOWN_NODE', path: 'nodes', severity: 'error',
        message: M.unknownNode(name, closest(name, hostnames), someOf(name, hostnames)) })
    }
  }
  let plaintext: string | null = null
  const standIn = inventory.password?.env || inventory.password?.file ? (request.standIn ?? REVIEW_PLACEHOLDER) : null
  let passwordRead = standIn === null
  try {
    if (request.readSecrets === false) plaintext = standIn
    else {
      plaintext = readPlaintext(inventory.password, doc.file, request.env)
      passwordRead = true
    }
  } catch (e) {
    if (!(e instanceof PasswordSourceError)) throw e
    const { line, col } = doc.locate(['password'], 'value')
    if (request.secretsOptional) {
      plaintext = standIn
      // Validation's warning about the unset variable or missing file says it already.
      if (!cluster.diagnostics.some((d) => d.code === 'PASSWORD_ENV_UNSET' || d.code === 'PASSWORD_FILE_MISSING')) {
        diagnostics.push({ file: doc.file, line, col, code: 'PASSWORD_NOT_READ', path: 'password', severity: 'warning', message: e.message })
      }
    } else {
      diagnostics.push({ file: doc.file, line, col, code: 'PASSWORD_SOURCE', path: 'password', severity: 'error', message: e.message })
      // Validation warned about the unset variable or missing file already; the error says the same, so the warning goes.
      const warned = cluster.diagnostics.findIndex((d) => d.code === 'PASSWORD_ENV_UNSET' || d.code === 'PASSWORD_FILE_MISSING')
      if (warned !== -1) cluster.diagnostics.splice(warned, 1)
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { plans: [], nodes: [], diagnostics, passwordRead }
  const only = new Set(request.only)
  const selected = cluster.nodes.filter((n) => only.size === 0 || only.has(n.node.hostname))
  const facts = clusterFacts(cluster.nodes, inventory)
  const options = { powerOffWhenDone: request.powerOffWhenDone, plaintextPassword: plaintext, cluster: facts }
  const plans = {
    *[Symbol.iterator](): Generator<NodePlan> {
      for (const n of selected) yield buildPlan(inventory, n, options)
    },
  }
  return { plans, nodes: selected, diagnostics, passwordRead }
}
