// Page section "네트워크 별칭 구성하기": a managed block in /etc/hosts naming the cluster's nodes. Scope `services`
// (the default) names the service nodes and the node itself, so a node's output does not grow with the number of
// compute nodes; `all` names every node.
import { fqdnOf } from '../../model/fqdn.js'
import type { Inventory } from '../../model/inventory.js'
import { defineStep, type PlanContext } from '../step-def.js'

export const HOSTS_BEGIN = '##### BEGIN for Backend.AI services #####'
export const HOSTS_END = '##### END for Backend.AI services #####'

interface HostsRow {
  hostname: string
  left: string
  comment: string
}

interface HostsTable {
  rows: HostsRow[]
  /** Every node's line; frozen, so the script template quotes it once for all nodes (templates.ts, qlist). */
  all?: readonly string[]
  /** Row of each host name (unique: validation checks). */
  at: ReadonlyMap<string, number>
  /** The service nodes' rows (their indexes, in inventory order) and lines, per set of service nodes; frozen like `all`. */
  services?: { of: ReadonlySet<string>; rows: readonly number[]; lines: readonly string[] }
}

// Made once per inventory: a 1,000-node render would otherwise build a million lines.
const tables = new WeakMap<Inventory, HostsTable>()

function hostsTable(inventory: Inventory): HostsTable {
  let table = tables.get(inventory)
  if (!table) {
    const domain = inventory.cluster.domain
    const rows = inventory.nodes.map((n) => {
      const ip = n.ip.split('/')[0]!
      const names = domain ? `${fqdnOf(n.hostname, domain)} ${n.hostname}` : n.hostname
      return { hostname: n.hostname, left: `${ip} ${names}`, comment: n.comment ?? '' }
    })
    table = { rows, at: new Map(rows.map((r, i) => [r.hostname, i])) }
    tables.set(inventory, table)
  }
  return table
}

/** The lines of `rows`, comments aligned after the longest address and names. */
function formatRows(rows: readonly HostsRow[]): string[] {
  const width = Math.max(0, ...rows.map((r) => r.left.length))
  return rows.map((r) => (r.comment ? `${r.left.padEnd(width)}  # ${r.comment}` : r.left))
}

function hostsLines(ctx: Pick<PlanContext, 'inventory' | 'settings' | 'node' | 'cluster'>): readonly string[] {
  const table = hostsTable(ctx.inventory)
  if (ctx.settings.hosts.scope === 'all') {
    table.all ??= Object.freeze(formatRows(table.rows))
    return table.all
  }
  const services = ctx.cluster.serviceHosts
  if (table.services?.of !== services) {
    const rows = table.rows.flatMap((r, i) => (services.has(r.hostname) ? [i] : []))
    table.services = { of: services, rows, lines: Object.freeze(formatRows(rows.map((i) => table.rows[i]!))) }
  }
  const self = ctx.node.hostname
  const selfAt = table.at.get(self)
  if (services.has(self) || selfAt === undefined) return table.services.lines
  // The service nodes' rows and the node's own, in inventory order: work per node in the number of service nodes,
  // not of all nodes.
  const own = table.rows[selfAt]!
  const picked: HostsRow[] = []
  let placed = false
  for (const i of table.services.rows) {
    if (!placed && selfAt < i) {
      picked.push(own)
      placed = true
    }
    picked.push(table.rows[i]!)
  }
  if (!placed) picked.push(own)
  return formatRows(picked)
}

export interface HostsVars {
  begin: string
  end: string
  lines: readonly string[]
  hostname: string
}

export const hostsStep = defineStep<HostsVars>({
  id: 'hosts',
  title: 'Write the cluster block in /etc/hosts',
  network: false,
  rootable: true,
  settings: ['hosts'],
  applies: (ctx) => ctx.settings.hosts.enabled,
  // The script also makes sure 127.0.0.1 maps localhost and that the node's own name resolves (cloud-init leaves the
  // file alone: manage_etc_hosts is false in the cloud-config).
  vars: (ctx) => ({ begin: HOSTS_BEGIN, end: HOSTS_END, lines: hostsLines(ctx), hostname: ctx.node.hostname }),
})
