// What `bai-seed serve` answers for the fleet, as entries of its route table (serve/routes.ts, static-server.ts):
//   POST /report/<hostname>/<token>   a node's event (report-route.ts)
//   GET  /status, /status.json         the fleet (HTML page, JSON: what `bai-seed status --json` prints)
//   GET  /status/<hostname>[.json]     one node: steps, facts, timeline, log tail
// A wrong report token counts as a token guess of the client (serve/token-guard.ts), like a wrong seed token.
import type { Route, RouteContext } from '../serve/routes.js'
import { markInstalled, readPxeNodes } from '../write/pxe-state.js'
import type { PxeNodeEntry } from '../render/pxe/render-pxe.js'
import { HOSTNAME } from './event-log.js'
import { fleetView, fleetViewJson } from './fleet-view.js'
import { deriveNode } from './node-state.js'
import { ReportReceiver, reportTarget } from './report-route.js'
import { fleetPage, nodePage } from './status-page.js'
import { tailOf } from './status-text.js'

export interface NodeSource {
  /** Whether the host name is a node of the output folder. */
  has(hostname: string): boolean
  /** Every node of the output folder. */
  hostnames(): string[]
}

/** The status paths: ['status'], ['status.json'], ['status', host], ['status', host + '.json']. */
function statusTarget(segments: readonly string[]): { host: string | null; json: boolean } | null {
  if (segments.length === 1 && segments[0] === 'status') return { host: null, json: false }
  if (segments.length === 1 && segments[0] === 'status.json') return { host: null, json: true }
  if (segments.length !== 2 || segments[0] !== 'status') return null
  const json = segments[1]!.endsWith('.json')
  const host = json ? segments[1]!.slice(0, -5) : segments[1]!
  return HOSTNAME.test(host) ? { host, json } : null
}

function send(ctx: RouteContext, type: string, body: string | Buffer): void {
  ctx.res.writeHead(200, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The page loads nothing from anywhere; say so to the browser as well.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  })
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body)
}

export class FleetRoutes {
  readonly receiver: ReportReceiver
  readonly routes: Route[]

  constructor(
    private readonly root: string,
    private readonly nodes: NodeSource,
    options: { burst?: number; perSecond?: number } = {},
  ) {
    this.receiver = new ReportReceiver(root, async (h) => nodes.has(h), options)
    const status: Omit<Route, 'method'> = {
      match: (segments) => statusTarget(segments) !== null,
      logPath: (segments) => `/${segments.map(encodeURIComponent).join('/')}`,
      handle: async (ctx) => this.status(ctx),
    }
    this.routes = [
      {
        method: 'POST',
        match: (segments) => reportTarget(segments) !== null,
        logPath: (segments) => `/${segments.slice(0, 2).map(encodeURIComponent).join('/')}/-`,
        handle: (ctx) => this.report(ctx),
      },
      { method: 'GET', ...status },
      { method: 'HEAD', ...status },
    ]
  }

  private async report(ctx: RouteContext): Promise<void> {
    const target = reportTarget(ctx.segments)!
    if (ctx.tokens.blocked(ctx.client)) {
      ctx.req.resume()
      ctx.log.refused = 'guesses'
      return ctx.reply(429, 'too many wrong tokens from this address; wait a minute', { 'retry-after': '60' })
    }
    let marked: PxeNodeEntry | null = null
    // The installer's finished install: a netbooted machine's install marker is written before the event is stored, so
    // a 200 means both (the PXE boot loaders boot its disk from now on, and its seed URL closes).
    const outcome = await this.receiver.receive(ctx.req, target.hostname, target.token, async (hostname, event) => {
      if (event.kind !== 'installed') return null
      const pxe = readPxeNodes(this.root)?.find((n) => n.hostname === hostname)
      if (!pxe) return null
      try {
        await markInstalled(this.root, pxe)
      } catch {
        return { status: 503, message: 'not recorded now (another bai-seed run holds the folder, or the path is unsafe); try again', node: hostname, refused: 'unrecorded' }
      }
      marked = pxe
      return null
    })
    ctx.log.node = outcome.node
    if (outcome.refused) ctx.log.refused = outcome.refused
    if (outcome.status === 403) {
      ctx.tokens.failed(ctx.client)
      ctx.log.refused = 'token'
    }
    const headers: Record<string, string> = {}
    if (outcome.status === 429) headers['retry-after'] = '10'
    // A refused body may still be arriving: close the connection rather than read it.
    if (outcome.status === 413) headers.connection = 'close'
    if (outcome.status === 503) headers['retry-after'] = '5'
    const pxe = marked as PxeNodeEntry | null
    if (pxe && outcome.status === 200) {
      ctx.installed.add(pxe.hostname)
      ctx.tokens.release(pxe.hostname)
      return ctx.reply(200, `${pxe.hostname} (${pxe.mac}) boots from its local disk from now on; ${outcome.message}`)
    }
    ctx.reply(outcome.status, outcome.message, headers)
  }

  private async status(ctx: RouteContext): Promise<void> {
    const target = statusTarget(ctx.segments)!
    const now = new Date()
    if (target.host === null) {
      const view = fleetView(this.nodes.hostnames(), this.receiver.store.logs, now)
      return target.json ? send(ctx, 'application/json', fleetViewJson(view)) : send(ctx, 'text/html; charset=utf-8', fleetPage(view, now))
    }
    const log = this.receiver.store.logs.get(target.host)
    if (!log && !this.nodes.has(target.host)) return ctx.reply(404, 'no such node')
    ctx.log.node = target.host
    const status = deriveNode(target.host, log, now)
    const tail = tailOf(log)
    if (target.json) return send(ctx, 'application/json', JSON.stringify({ ...status, timeline: log?.events ?? [], log: tail ?? null }, null, 2) + '\n')
    send(ctx, 'text/html; charset=utf-8', nodePage(status, log, tail, now))
  }
}
