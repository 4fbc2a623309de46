// Page section "네트워크 별칭 구성하기": a managed block in /etc/hosts naming every node of the cluster.
import type { Inventory } from '../../model/inventory.js'
import { defineStep, type PlanContext } from '../step-def.js'

export const HOSTS_BEGIN = '##### BEGIN for Backend.AI services #####'
export const HOSTS_END = '##### END for Backend.AI services #####'

// The block is the same for every node of a cluster: made once per inventory (a 1,000-node render would otherwise
// build a million lines). Frozen, so the script template may quote it once too (templates.ts, qlist).
const blocks = new WeakMap<Inventory, readonly string[]>()

function hostsLines(inventory: Inventory): readonly string[] {
  let lines = blocks.get(inventory)
  if (!lines) {
    const domain = inventory.cluster.domain
    const rows = inventory.nodes.map((n) => {
      const ip = n.ip.split('/')[0]!
      const names = domain ? `${n.hostname}.${domain} ${n.hostname}` : n.hostname
      return { left: `${ip} ${names}`, comment: n.comment ?? '' }
    })
    const width = Math.max(...rows.map((r) => r.left.length))
    lines = Object.freeze(rows.map((r) => (r.comment ? `${r.left.padEnd(width)}  # ${r.comment}` : r.left)))
    blocks.set(inventory, lines)
  }
  return lines
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
  vars: (ctx) => ({ begin: HOSTS_BEGIN, end: HOSTS_END, lines: hostsLines(ctx.inventory), hostname: ctx.node.hostname }),
})
