// The fleet as `bai-seed status` and the /status page show it: every node (those the output folder's manifest lists,
// and any other that has a log), its derived state, sorted failed and stalled first, and a summary line.
import { deriveNode, NODE_STATES, type NodeState, type NodeStatus } from './node-state.js'
import type { NodeLog } from './event-log.js'

export interface FleetView {
  generated: string
  nodes: NodeStatus[]
  counts: Partial<Record<NodeState, number>>
  summary: string
}

const RANK = new Map(NODE_STATES.map((s, i) => [s, i]))

/** Failed first, then stalled, installing, provisioning, rebooting, pending, done; by host name within a state. */
export function compareNodes(a: NodeStatus, b: NodeStatus): number {
  return RANK.get(a.state)! - RANK.get(b.state)! || (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0)
}

/** `97 done, 2 provisioning, 1 failed`: most first, as people say it. */
export function summaryLine(counts: Partial<Record<NodeState, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n! > 0)
    .sort((a, b) => b[1]! - a[1]! || RANK.get(a[0] as NodeState)! - RANK.get(b[0] as NodeState)!)
    .map(([s, n]) => `${n} ${s}`)
  return parts.length ? parts.join(', ') : 'no nodes'
}

export function fleetView(hostnames: Iterable<string>, logs: ReadonlyMap<string, NodeLog>, now: Date, only: readonly string[] = []): FleetView {
  const names = new Set(hostnames)
  for (const h of logs.keys()) names.add(h)
  const wanted = only.length ? only.filter((h) => names.has(h)) : [...names]
  const nodes = wanted.map((h) => deriveNode(h, logs.get(h), now)).sort(compareNodes)
  const counts: Partial<Record<NodeState, number>> = {}
  for (const n of nodes) counts[n.state] = (counts[n.state] ?? 0) + 1
  return { generated: now.toISOString(), nodes, counts, summary: summaryLine(counts) }
}

/** Each node's JSON, encoded, kept while its status object is the same (deriveNode hands out one per new event). */
const nodeJson = new WeakMap<NodeStatus, Buffer>()
const COMMA = Buffer.from(',')

/**
 * The view as compact JSON bytes (GET /status.json): JSON.stringify(view), but a node's part is made once per change of
 * its status, so readers polling a thousand-node fleet cost a copy, not a serialisation and encoding of every node.
 */
export function fleetViewJson(view: FleetView): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"generated":${JSON.stringify(view.generated)},"nodes":[`)]
  view.nodes.forEach((n, i) => {
    let bytes = nodeJson.get(n)
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(n))
      nodeJson.set(n, bytes)
    }
    if (i > 0) parts.push(COMMA)
    parts.push(bytes)
  })
  parts.push(Buffer.from(`],"counts":${JSON.stringify(view.counts)},"summary":${JSON.stringify(view.summary)}}\n`))
  return Buffer.concat(parts)
}

/** Exit code of `status`: 0 when every node is done; 1 otherwise (any failed or stalled, or not done yet). */
export function fleetExit(view: FleetView): 0 | 1 {
  return view.nodes.length > 0 && view.nodes.every((n) => n.state === 'done') ? 0 : 1
}

/** Whether nothing will change without a new event: every node done, failed or stalled (`--watch` stops there). */
export function fleetSettled(view: FleetView): boolean {
  return view.nodes.every((n) => n.state === 'done' || n.state === 'failed' || n.state === 'stalled')
}
