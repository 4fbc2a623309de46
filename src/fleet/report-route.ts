// POST /report/<hostname>/<token>: a node reports one event (report-event.ts) to `bai-seed serve`. The token is the
// node's own (node-token.ts, purpose 'report'); the event is appended to the status store (event-log.ts) and synced
// before the 200. The installer's finished install (an empty POST, report-installed.ts, to the URL on a netbooted
// machine's kernel command line or, installed from other media, the node's report URL) first writes the PXE install
// marker (fleet-routes.ts: markInstalled, write/pxe-state.ts), so a netbooted machine boots its disk from then on:
// the marker and the event are one report.
//
// Refused, each with its own status and a log line (access log: node, status; the token is never logged):
// unknown node 404, wrong or missing token 403 (another node's token is a wrong token), more than the node's rate
// 429, body too large 413, not an event 400, the node's log at its cap 507. The host name must be a node of the
// output folder's manifest and a plain host name; the only file a request can write is the fleet's
// event log, .bai-seed-status/events.jsonl (event-log.ts), whose name no request chooses.
import type { IncomingMessage } from 'node:http'
import { readNodeKey, tokenMatches } from '../serve/node-token.js'
import { MAX_EVENT_BYTES, parseReport, type StoredEvent } from './report-event.js'
import { EventStore, HOSTNAME } from './event-log.js'
import { REPORT_PREFIX } from './report-url.js'

export { REPORT_PREFIX }

/** Per node: this many events at once, then RATE_PER_SECOND (token bucket). A whole install and first boot fit. */
export const RATE_BURST = 600
export const RATE_PER_SECOND = 5

export interface ReportOutcome {
  status: number
  message: string
  node: string | null
  event?: StoredEvent
  /** Why it was refused, for the access log (when not the status alone). */
  refused?: string
}

/** Runs before a valid event is stored; an outcome returned is the answer instead (the event is not stored). */
export type BeforeStore = (hostname: string, event: Omit<StoredEvent, 'seq' | 'at'>) => Promise<ReportOutcome | null>

/** `report/<host>/<token>` as decoded path segments, or null when the path is not a report. */
export function reportTarget(segments: readonly string[]): { hostname: string; token: string } | null {
  // Without a token it is still a report (refused: 403), not a POST to a file (405).
  if ((segments.length !== 3 && segments.length !== 2) || segments[0] !== REPORT_PREFIX) return null
  return { hostname: segments[1]!, token: segments[2] ?? '' }
}

class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}
  take(key: string, now = performance.now()): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond)
    b.at = now
    this.buckets.set(key, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }
}

/** Reads at most `max` bytes of the body; null when it is longer. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      if (over) return
      size += c.length
      if (size > max) {
        over = true
        chunks.length = 0
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The folder's key is read again at most this often (a key deleted to change every token counts within this). */
const KEY_RECHECK_MS = 1000

export class ReportReceiver {
  readonly store: EventStore
  private readonly rate: RateLimit
  private key: { value: Buffer | null; at: number } | null = null

  constructor(
    private readonly root: string,
    private readonly isNode: (hostname: string) => Promise<boolean>,
    options: { burst?: number; perSecond?: number } = {},
  ) {
    this.store = new EventStore(root)
    this.rate = new RateLimit(options.burst ?? RATE_BURST, options.perSecond ?? RATE_PER_SECOND)
  }

  async receive(req: IncomingMessage, hostname: string, token: string, beforeStore?: BeforeStore): Promise<ReportOutcome> {
    const drain = (): void => {
      req.resume()
    }
    if (!HOSTNAME.test(hostname) || !(await this.isNode(hostname))) {
      drain()
      return { status: 404, message: 'no such node in this output folder', node: null }
    }
    const key = this.nodeKey()
    if (!key || !tokenMatches(key, 'report', hostname, token)) {
      drain()
      return { status: 403, message: 'not the report token of this node', node: hostname }
    }
    if (!this.rate.take(hostname)) {
      drain()
      return { status: 429, message: 'too many events from this node; send again later', node: hostname }
    }
    const length = Number(req.headers['content-length'] ?? '0')
    if (length > MAX_EVENT_BYTES) {
      drain()
      return { status: 413, message: `an event is at most ${MAX_EVENT_BYTES} bytes`, node: hostname }
    }
    const body = await readBody(req, MAX_EVENT_BYTES)
    if (!body) return { status: 413, message: `an event is at most ${MAX_EVENT_BYTES} bytes`, node: hostname }
    const parsed = parseReport(body)
    if (!parsed.ok) return { status: 400, message: parsed.reason, node: hostname }
    const instead = beforeStore ? await beforeStore(hostname, parsed.event) : null
    if (instead) return instead
    let event: StoredEvent
    try {
      event = await this.store.append(hostname, parsed.event)
    } catch (e) {
      if ((e as { code?: string }).code === 'FULL') return { status: 507, message: 'this node\'s event log is full', node: hostname }
      throw e
    }
    return { status: 200, message: `event ${event.seq} recorded`, node: hostname, event }
  }

  /** The output folder's key, read from disk at most every KEY_RECHECK_MS (not once per event of a busy fleet). */
  private nodeKey(): Buffer | null {
    const now = performance.now()
    if (!this.key || now - this.key.at >= KEY_RECHECK_MS) this.key = { value: readNodeKey(this.root), at: now }
    return this.key.value
  }
}
