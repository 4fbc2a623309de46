// The /status pages of `bai-seed serve`: the fleet (one row per node, failed and stalled first) and a page per node
// (steps, facts, timeline, log tail). Plain HTML with its style inline and no script or external resource (nothing
// from a CDN: a lab network has none); it reloads itself every REFRESH_SECONDS.
import type { FleetView } from './fleet-view.js'
import type { NodeStatus } from './node-state.js'
import type { NodeLog } from './event-log.js'
import { duration } from './status-text.js'

export const REFRESH_SECONDS = 5

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2430;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
.summary{font-size:1.1em;margin:.2em 0 1em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35em .7em;border-bottom:1px solid #dde2ea;vertical-align:top}
th{background:#f1f4f8;font-weight:600}
td.n{font-variant-numeric:tabular-nums;white-space:nowrap}
.st{display:inline-block;padding:.1em .6em;border-radius:.8em;font-weight:600;font-size:.9em;color:#fff}
.failed{background:#c62828}.stalled{background:#ef6c00}.installing{background:#5e35b1}.provisioning{background:#1565c0}
.rebooting{background:#00838f}.pending{background:#78909c}.done{background:#2e7d32}
.running{background:#1565c0}.skipped{background:#9e9e9e}
pre{background:#11161d;color:#e6edf3;padding:1em;overflow:auto;font-size:12px;max-height:40em}
a{color:#1565c0}
small{color:#5b6675}
`

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`
}

const badge = (state: string): string => `<span class="st ${esc(state)}">${esc(state)}</span>`

function ago(iso: string | null, now: Date): string {
  return iso ? `${duration((now.getTime() - Date.parse(iso)) / 1000)} ago` : '-'
}

export function fleetPage(view: FleetView, now: Date): string {
  const rows = view.nodes
    .map(
      (n) =>
        `<tr><td><a href="/status/${encodeURIComponent(n.hostname)}">${esc(n.hostname)}</a></td><td>${badge(n.state)}</td>` +
        `<td>${esc(n.step ?? '-')}</td><td class="n">${n.total ? `${n.done}/${n.total}` : '-'}</td>` +
        `<td class="n">${ago(n.lastSeen, now)}</td><td>${esc(n.message)}</td></tr>`,
    )
    .join('\n')
  return page(
    `bai-seed fleet: ${view.summary}`,
    `<h1>bai-seed fleet</h1><div class="summary">${esc(view.summary)}</div>
<table><thead><tr><th>Node</th><th>State</th><th>Step</th><th>Steps</th><th>Last seen</th><th>Message</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><small>As of ${esc(view.generated)}; reloads every ${REFRESH_SECONDS} s. JSON: <a href="/status.json">/status.json</a></small></p>`,
  )
}

export function nodePage(n: NodeStatus, log: NodeLog | undefined, tail: string | undefined, now: Date): string {
  const steps = n.steps
    .map((s) => `<tr><td>${esc(s.id)}</td><td>${badge(s.state)}</td><td>${esc(s.message ?? '')}</td></tr>`)
    .join('\n')
  const timeline = (log?.events ?? [])
    .slice(-500)
    .map(
      (e) =>
        `<tr><td class="n">${esc(e.at)}</td><td>${esc(e.source)}</td><td>${esc(e.kind)}</td><td>${esc(e.name ?? '')}</td>` +
        `<td>${esc(e.result ?? '')}</td><td>${esc(e.message ?? '')}</td></tr>`,
    )
    .join('\n')
  return page(
    `${n.hostname}: ${n.state}`,
    `<p><a href="/status">&larr; fleet</a></p><h1>${esc(n.hostname)} ${badge(n.state)}</h1>
<div class="summary">${esc(n.step ? `step ${n.step}, ` : '')}${n.done}/${n.total} steps, last seen ${ago(n.lastSeen, now)}${n.message ? ` &mdash; ${esc(n.message)}` : ''}</div>
${steps ? `<h2>Steps</h2><table><thead><tr><th>Step</th><th>State</th><th>Message</th></tr></thead><tbody>\n${steps}\n</tbody></table>` : ''}
${n.facts ? `<h2>Facts</h2><pre>${esc(JSON.stringify(n.facts, null, 2))}</pre>` : ''}
${tail !== undefined ? `<h2>Log tail</h2><pre>${esc(tail)}</pre>` : ''}
<h2>Timeline</h2><table><thead><tr><th>Received</th><th>Source</th><th>Kind</th><th>Name</th><th>Result</th><th>Message</th></tr></thead><tbody>
${timeline}
</tbody></table>`,
  )
}
