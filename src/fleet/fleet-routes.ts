// What `bai-seed serve` answers for the fleet, besides files (static-server.ts hands these requests here):
//   POST /report/<hostname>/<token>   a node's event (report-route.ts)
//   GET  /status, /status.json         the fleet (HTML page, JSON: what `bai-seed status --json` prints)
//   GET  /status/<hostname>[.json]     one node: steps, facts, timeline, log tail
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HOSTNAME } from './event-log.js'
import { fleetView } from './fleet-view.js'
import { deriveNode } from './node-state.js'
import { ReportReceiver, reportTarget } from './report-route.js'
import { fleetPage, nodePage } from './status-page.js'
import { tailOf } from './status-text.js'

export interface FleetAnswer {
  node: string | null
  status: number
  bytes: number
}

export interface NodeSource {
  /** Whether the host name is a node of the output folder. */
  isNode(hostname: string): Promise<boolean>
  /** Every node of the output folder. */
  hostnames(): Promise<string[]>
}

/** Decoded path segments of a request target, or null when it does not decode. */
function segmentsOf(target: string): string[] | null {
  if (!target.startsWith('/')) return null
  try {
    return target.split('?', 1)[0]!.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s))
  } catch {
    return null
  }
}

/** The request target as it may be logged: a report's token replaced by `-`. */
export function loggablePath(target: string): string {
  return target.replace(/^(\/report\/[^/?]*\/)[^?]*/, '$1-')
}

export class FleetRoutes {
  readonly receiver: ReportReceiver

  constructor(
    root: string,
    private readonly nodes: NodeSource,
    options: { burst?: number; perSecond?: number } = {},
  ) {
    this.receiver = new ReportReceiver(root, (h) => nodes.isNode(h), options)
  }

  /** Answers a fleet request; null when the request is not one (the file server takes it). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<FleetAnswer | null> {
    const segments = segmentsOf(req.url ?? '')
    if (!segments) return null
    if (req.method === 'POST') {
      const target = reportTarget(segments)
      if (!target) return null
      const outcome = await this.receiver.receive(req, target.hostname, target.token)
      const body = `${outcome.status} ${outcome.message}\n`
      const headers: Record<string, string | number> = {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      }
      if (outcome.status === 429) headers['retry-after'] = '10'
      // A refused body may still be arriving: close the connection rather than read it.
      if (outcome.status === 413) headers.connection = 'close'
      res.writeHead(outcome.status, headers)
      res.end(body)
      return { node: outcome.node, status: outcome.status, bytes: Buffer.byteLength(body) }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return null
    if (segments[0] === 'status.json' && segments.length === 1) {
      const view = fleetView(await this.nodes.hostnames(), this.receiver.store.logs, new Date())
      return this.send(req, res, 'application/json', JSON.stringify(view, null, 2) + '\n', null)
    }
    if (segments[0] !== 'status') return null
    const now = new Date()
    if (segments.length === 1) {
      const view = fleetView(await this.nodes.hostnames(), this.receiver.store.logs, now)
      return this.send(req, res, 'text/html; charset=utf-8', fleetPage(view, now), null)
    }
    if (segments.length !== 2) return null
    const json = segments[1]!.endsWith('.json')
    const host = json ? segments[1]!.slice(0, -5) : segments[1]!
    if (!HOSTNAME.test(host)) return null
    const log = this.receiver.store.logs.get(host)
    if (!log && !(await this.nodes.isNode(host))) {
      const body = '404 no such node\n'
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
      res.end(req.method === 'HEAD' ? undefined : body)
      return { node: null, status: 404, bytes: 0 }
    }
    const status = deriveNode(host, log, now)
    const tail = tailOf(log)
    if (json) return this.send(req, res, 'application/json', JSON.stringify({ ...status, timeline: log?.events ?? [], log: tail ?? null }, null, 2) + '\n', host)
    return this.send(req, res, 'text/html; charset=utf-8', nodePage(status, log, tail, now), host)
  }

  private send(req: IncomingMessage, res: ServerResponse, type: string, body: string, node: string | null): FleetAnswer {
    const bytes = Buffer.byteLength(body)
    res.writeHead(200, {
      'content-type': type,
      'content-length': bytes,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // The page loads nothing from anywhere; say so to the browser as well.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
    })
    res.end(req.method === 'HEAD' ? undefined : body)
    return { node, status: 200, bytes: req.method === 'HEAD' ? 0 : bytes }
  }
}
