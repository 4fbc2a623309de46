// Page section "네트워크 별칭 구성하기": a managed block in /etc/hosts naming every node of the cluster.
import type { StepDef } from '../step-def.js'

export const HOSTS_BEGIN = '##### BEGIN for Backend.AI services #####'
export const HOSTS_END = '##### END for Backend.AI services #####'

export const hostsStep: StepDef = {
  id: 'hosts',
  title: 'Write the cluster block in /etc/hosts',
  network: false,
  rootable: true,
  settings: ['hosts'],
  applies: (ctx) => ctx.settings.hosts.enabled,
  vars: (ctx) => {
    const domain = ctx.inventory.cluster.domain
    const rows = ctx.inventory.nodes.map((n) => {
      const ip = n.ip.split('/')[0]!
      const names = domain ? `${n.hostname}.${domain} ${n.hostname}` : n.hostname
      return { left: `${ip} ${names}`, comment: n.comment ?? '' }
    })
    const width = Math.max(...rows.map((r) => r.left.length))
    const lines = rows.map((r) => (r.comment ? `${r.left.padEnd(width)}  # ${r.comment}` : r.left))
    return { begin: HOSTS_BEGIN, end: HOSTS_END, lines }
  },
}
