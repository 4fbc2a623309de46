// `bai-seed status` as text: one line per node (state, step, steps done/total, elapsed, last seen, message), a
// summary line; at more than GROUP_AT nodes, nodes in the same state with the same step and message are one line
// (`412 done  bai-a001 .. bai-a412`), so 1,000 nodes stay readable. `status NODE` shows its timeline and log tail.
import type { FleetView } from './fleet-view.js'
import type { NodeStatus } from './node-state.js'
import type { NodeLog } from './event-log.js'
import { decodeLogTail } from './log-tail.js'

export const GROUP_AT = 50

function ago(iso: string | null, now: Date): string {
  if (!iso) return '-'
  return `${duration((now.getTime() - Date.parse(iso)) / 1000)} ago`
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

function elapsed(n: NodeStatus, now: Date): string {
  if (!n.started) return '-'
  const end = n.state === 'done' || n.state === 'failed' ? Date.parse(n.lastSeen!) : now.getTime()
  return duration((end - Date.parse(n.started)) / 1000)
}

function row(n: NodeStatus, now: Date): string[] {
  return [n.hostname, n.state, n.step ?? '-', n.total ? `${n.done}/${n.total}` : '-', elapsed(n, now), ago(n.lastSeen, now), n.message]
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i === r.length - 1 ? 0 : r[i]!.length))))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd())
}

export function fleetText(view: FleetView, now: Date): string {
  const header = ['NODE', 'STATE', 'STEP', 'STEPS', 'ELAPSED', 'LAST SEEN', 'MESSAGE']
  const rows: string[][] = [header]
  if (view.nodes.length <= GROUP_AT) for (const n of view.nodes) rows.push(row(n, now))
  else {
    // Failed and stalled nodes one by one (they are what the operator acts on); the rest grouped.
    let i = 0
    while (i < view.nodes.length) {
      const n = view.nodes[i]!
      if (n.state === 'failed' || n.state === 'stalled') {
        rows.push(row(n, now))
        i++
        continue
      }
      let j = i + 1
      while (j < view.nodes.length && view.nodes[j]!.state === n.state && view.nodes[j]!.step === n.step && view.nodes[j]!.done === n.done) j++
      if (j - i === 1) rows.push(row(n, now))
      else {
        const last = view.nodes[j - 1]!
        rows.push([`${n.hostname} .. ${last.hostname}`, n.state, n.step ?? '-', n.total ? `${n.done}/${n.total}` : '-', '', '', `${j - i} nodes`])
      }
      i = j
    }
  }
  return `${table(rows).join('\n')}\n${view.summary}\n`
}

export function nodeText(n: NodeStatus, log: NodeLog | undefined, now: Date, tail?: string): string {
  const lines = [
    `${n.hostname}: ${n.state}${n.stalledIn ? ` (was ${n.stalledIn})` : ''}${n.step ? ` at ${n.step}` : ''}, steps ${n.done}/${n.total}, last seen ${ago(n.lastSeen, now)}`,
  ]
  if (n.message) lines.push(`  ${n.message}`)
  if (n.deadline && n.state !== 'stalled') lines.push(`  stalled if silent until ${n.deadline}`)
  if (n.steps.length) {
    lines.push('', 'steps:')
    for (const s of n.steps) lines.push(`  ${s.id.padEnd(16)} ${s.state.padEnd(8)} ${s.message ?? ''}`.trimEnd())
  }
  if (n.facts) lines.push('', `facts: ${JSON.stringify(n.facts)}`)
  if (log?.events.length) {
    lines.push('', 'timeline:')
    for (const e of log.events) {
      const what = e.source === 'bai-seed' ? `${e.kind}${e.name ? ` ${e.name}` : ''}${e.result ? ` ${e.result}` : ''}` : `${e.source} ${e.kind} ${e.name ?? ''}${e.result ? ` ${e.result}` : ''}`
      lines.push(`  ${e.at}  ${what}${e.message ? `: ${e.message}` : ''}`)
    }
  }
  if (tail !== undefined) {
    lines.push('', `log tail (${n.state === 'failed' && n.step ? `step ${n.step}` : 'last sent'}):`)
    for (const l of tail.replace(/\n$/, '').split('\n')) lines.push(`  | ${l}`)
  }
  return lines.join('\n') + '\n'
}

export function tailOf(log: NodeLog | undefined): string | undefined {
  return log?.lastLog ? decodeLogTail(log.lastLog.log) : undefined
}
