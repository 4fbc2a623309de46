// `bai-seed serve`: a small read-only HTTP server for labs, on Node's http module. GET and HEAD of regular files
// under one folder (see request-path.ts for what is refused), no listing, every request logged with its node, the
// rule that let it through and the bytes actually sent.
//
// Who gets what: a file readable by others (mode 0644/0755: the installer ISO, PXE files, seeds without secrets)
// goes to anyone (allow=public). A file only its owner may read (0600: a seed or script holding a password hash or
// credentials) goes only to a request that names its node's seed token, /<node>/<token>/<path> (allow=token; see
// node-token.ts), and never outside a node folder. The writes are a node's reports: each stage of its install and
// first boot, its finished install included (POST /report/<node>/<token>, src/fleet/; the finished install also writes
// the PXE install marker), kept in the status store; /status shows the fleet.
//
// HTTP: Range (one range: 206, else 416), ETag and Last-Modified with If-None-Match, If-Modified-Since and If-Range,
// keep-alive with a bounded idle time and requests per connection. Bodies are streamed with stream.pipeline, so a
// client that goes away closes the file at once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { realpath } from 'node:fs/promises'
import type { AddressInfo, Socket } from 'node:net'
import { basename } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { firstSegment, resolveRequestPath } from './request-path.js'
import { contentTypeOf } from './content-type.js'
import { NodeFolders } from './node-folders.js'
import { looksLikeToken, readNodeKey, tokenMatches } from './node-token.js'
import { FleetRoutes } from '../fleet/fleet-routes.js'
import type { Route, RouteContext } from './routes.js'
import { allowListFor, makeAllowList, plainAddress } from './allow-list.js'
import { ConnectionGuard, descriptorBudget } from './connection-guard.js'
import { InstalledNodes } from './installed-nodes.js'
import { TokenGuard } from './token-guard.js'
import { checkServedFolder } from './served-folder.js'
import { parseRange } from './range.js'
import { SmallFileCache } from './small-file-cache.js'
import { ifRangeMatches, notModified } from './conditional.js'
import type { AccessLogEntry } from './access-log.js'

export interface ServeOptions {
  root: string
  host: string
  /** 0 picks a free port. */
  port: number
  log: (entry: AccessLogEntry) => void
  /** Addresses (CIDR) that may connect; default: the subnets the last render recorded, and loopback. */
  allow?: string[]
  /** Serve a folder that has no manifest.json of bai-seed's. */
  anyFolder?: boolean
  /** Limits (tests shorten the timeouts). */
  limits?: Partial<ServeLimits>
}

export interface ServeLimits {
  /** The whole request head must arrive within this. */
  headersTimeoutMs: number
  /** The whole request (head and body) must arrive within this. */
  requestTimeoutMs: number
  /** A connection on which nothing moves for this long, in either direction, is closed (a client that stops reading). */
  idleTimeoutMs: number
  /** How often the header and request timeouts are checked. */
  checkIntervalMs: number
  /**
   * A streamed body must move at least this many bytes a second, averaged over each `minRateWindowMs` (the first
   * window starts with the body): a client that reads just enough to never be idle (a byte now and then) is cut off
   * after one window, instead of holding its file and its slot for days.
   */
  minRateBytesPerSec: number
  minRateWindowMs: number
  /** Connections one address may hold. */
  perAddress: number
  /** File descriptors for connections and open files; default: `ulimit -n` less what is open and a reserve. */
  descriptors: number
}

export const DEFAULT_LIMITS: Omit<ServeLimits, 'descriptors'> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 15_000,
  checkIntervalMs: 1000,
  // 512 MiB at this rate is 36 hours: no real network is that slow, and a trickling client is gone within a minute.
  minRateBytesPerSec: 4096,
  minRateWindowMs: 60_000,
  perAddress: 32,
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string
  port: number
  /** The addresses it answers (CIDRs), and whether they came from the folder's recorded subnets or --allow. */
  allowed: { cidrs: string[]; recorded: boolean }
  guard: ConnectionGuard
  close(): Promise<void>
}

/** Keep-alive limits: idle connections close after this, and after this many requests. */
export const KEEP_ALIVE_MS = 5000
export const MAX_REQUESTS_PER_SOCKET = 1000
/** Read size of file streams: bounds the memory of each download (with the socket's own buffer). */
const CHUNK = 64 * 1024

/** The endpoints answered with code, tried in order before files (routes.ts); the fleet's are per server (its store). */
function serverRoutes(fleet: FleetRoutes): readonly Route[] {
  return fleet.routes
}

/** `/<unit>/<token>/<rest>` -> the unit (a node folder, or another top folder), the token and `/<unit>/<rest>`. */
function splitToken(target: string): { unit: string; token: string; target: string } | null {
  const [path, ...query] = target.split('?')
  const parts = path!.split('/')
  // ['', unit, token, ...rest]
  if (parts.length < 4 || parts[0] !== '' || !looksLikeToken(parts[2]!)) return null
  let unit: string
  try {
    unit = decodeURIComponent(parts[1]!)
  } catch {
    return null
  }
  return { unit, token: parts[2]!, target: [['', parts[1], ...parts.slice(3)].join('/'), ...query].join('?') }
}

/** The decoded, non-empty path segments of an origin-form target; null when it is not one or not decodable. */
function decodedSegments(target: string): string[] | null {
  if (!target.startsWith('/')) return null
  try {
    return target.split('?', 1)[0]!.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s))
  } catch {
    return null
  }
}

export async function startStaticServer(options: ServeOptions): Promise<RunningServer> {
  const rootReal = await realpath(options.root)
  const manifest = checkServedFolder(rootReal, options.anyFolder ?? false)
  const nodes = new NodeFolders(rootReal, manifest)
  const small = new SmallFileCache()
  const installed = new InstalledNodes(rootReal)
  // Node reports and the /status pages (src/fleet/).
  const fleet = new FleetRoutes(rootReal, nodes)
  const ROUTES = serverRoutes(fleet)
  const tokens = new TokenGuard()
  const allow = options.allow?.length ? { ...makeAllowList(options.allow), recorded: true } : allowListFor(rootReal, undefined)
  const limits: ServeLimits = { ...DEFAULT_LIMITS, descriptors: descriptorBudget(), ...options.limits }
  const guard = new ConnectionGuard({ allow, perAddress: limits.perAddress, budget: limits.descriptors, log: options.log })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requested = req.url ?? ''
    const client = plainAddress(req.socket.remoteAddress ?? '-')
    let bytes = 0
    let allow: AccessLogEntry['allow']
    // Refused requests are logged with their node too: a machine asking for a missing seed file is worth seeing.
    const note: RouteContext['log'] = { node: null }
    const segments = decodedSegments(requested)
    const route = segments ? ROUTES.find((r) => r.method === req.method && r.match(segments)) : undefined
    // Tokens are never logged, whatever the method: a token segment shows as "-".
    let logPath = route ? route.logPath(segments!) : requested
    const withToken = splitToken(requested)
    if (!route && withToken) logPath = requested.replace(/^(\/[^/]*\/)[^/?]*/, '$1-')
    // A report URL asked with another method (GET /report/<node>/<token>) keeps its token out of the log as well.
    else if (!route && segments && segments[0] === 'report') logPath = requested.replace(/^(\/[^/]*\/[^/?]*\/)[^?]*/, '$1-')
    res.on('close', () => {
      options.log({
        time: new Date(),
        client,
        method: req.method ?? '-',
        path: logPath,
        status: res.statusCode,
        bytes,
        node: note.node,
        allow,
        complete: res.writableFinished,
        ...(note.refused ? { refused: note.refused } : {}),
      })
    })
    const refuse = (status: number, message: string, headers: Record<string, string> = {}): void => {
      const body = `${status} ${message}\n`
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers })
      if (req.method === 'HEAD') res.end()
      else {
        bytes = Buffer.byteLength(body)
        res.end(body)
      }
    }
    if (route) {
      return route.handle({ req, res, root: rootReal, segments: segments!, client, reply: refuse, log: note, tokens, installed })
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume()
      return refuse(405, 'only GET and HEAD', { allow: 'GET, HEAD' })
    }

    let target = requested
    let tokenOk = false
    if (withToken) {
      const isNode = nodes.has(withToken.unit)
      note.node = isNode ? withToken.unit : null
      if (tokens.blocked(client)) {
        note.refused = 'guesses'
        return refuse(429, 'too many wrong tokens from this address; wait a minute', { 'retry-after': '60' })
      }
      const key = withToken.unit.startsWith('.') ? null : readNodeKey(rootReal)
      if (!key || !tokenMatches(key, 'seed', withToken.unit, withToken.token)) {
        tokens.failed(client)
        note.refused = 'token'
        return refuse(403, isNode ? 'not the token of this node' : 'not the token of this folder')
      }
      if (isNode && (await installed.has(withToken.unit))) {
        note.refused = 'installed'
        return refuse(410, 'this node reported its finished install: its seed URL is closed (bai-seed pxe --reinstall NODE opens it again)')
      }
      if (isNode && !tokens.claim(withToken.unit, client)) {
        note.refused = 'bound'
        return refuse(403, 'this seed URL is in use by another address')
      }
      tokenOk = true
      target = withToken.target
    }
    const resolved = await resolveRequestPath(rootReal, target)
    note.node = nodes.nodeOf(resolved.ok ? resolved.segments : firstSegment(target))
    if (!resolved.ok) return refuse(resolved.status, resolved.reason)
    const st = resolved.stats
    const ownerOnly = (st.mode & 0o004) === 0
    if (tokenOk && resolved.segments[0] === withToken!.unit && (ownerOnly || note.node === withToken!.unit)) allow = 'token'
    else if (!ownerOnly) allow = 'public'
    else return refuse(403, note.node ? 'this file holds secrets: use the seed URL with the node\'s token' : 'this file holds secrets: use its URL with its folder\'s token')
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-${st.ino.toString(16)}"`
    const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString()
    const common = {
      etag,
      'last-modified': lastModified,
      'accept-ranges': 'bytes',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    }
    if (notModified(req, etag, st.mtimeMs)) {
      res.writeHead(304, common)
      return void res.end()
    }
    let start = 0
    let end = st.size - 1
    let status = 200
    const range = req.headers.range
    if (range !== undefined && ifRangeMatches(req, etag, st.mtimeMs)) {
      const parsed = parseRange(range, st.size)
      if (parsed === 'unsatisfiable') return refuse(416, 'range not satisfiable', { 'content-range': `bytes */${st.size}`, ...common })
      if (parsed) {
        ;({ start, end } = parsed)
        status = 206
      }
    }
    const length = end - start + 1
    // Seeds and scripts (a few KiB) come from memory while the file is unchanged; big files are streamed (so is a
    // file that changed or vanished since its stat: the stream then fails the way it always did).
    const cached = req.method === 'GET' && length > 0 ? await small.bytesOf(resolved.file, st).catch(() => null) : null
    // A streamed file holds a descriptor for as long as the client reads: it needs a slot (connection-guard.ts).
    const slot = req.method === 'GET' && length > 0 && !cached ? guard.openStream(req.socket) : { progress() {}, release() {} }
    if (!slot) {
      note.refused = 'busy'
      return refuse(503, 'too many downloads in progress; try again', { 'retry-after': '5' })
    }
    res.writeHead(status, {
      ...common,
      'content-type': contentTypeOf(basename(resolved.file)),
      'content-length': length,
      ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${st.size}` } : {}),
    })
    if (req.method === 'HEAD' || length === 0) return void res.end()
    if (cached) {
      slot.release()
      const body = cached.subarray(start, end + 1)
      return void res.end(body, () => {
        bytes = body.length
      })
    }
    // Counted as the response takes them (it stops reading the file when the connection's buffer is full), so an
    // aborted download logs what went out rather than the file's size.
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length
        slot.progress()
        done(null, chunk)
      },
    })
    // The minimum rate, window by window (what the socket takes is what the client reads, once its buffers are full).
    let windowStart = 0
    const slowTimer = setInterval(() => {
      if (bytes - windowStart < (limits.minRateBytesPerSec * limits.minRateWindowMs) / 1000) {
        note.refused = 'slow'
        res.destroy()
      }
      windowStart = bytes
    }, limits.minRateWindowMs)
    try {
      await pipeline(createReadStream(resolved.file, { start, end, highWaterMark: CHUNK }), counter, res)
    } catch {
      // The client went away, was too slow (or the file could not be read): pipeline has destroyed every stream.
    } finally {
      clearInterval(slowTimer)
      slot.release()
    }
  }

  const server = createServer(
    {
      keepAliveTimeout: KEEP_ALIVE_MS,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      guard.setBusy(req.socket, true)
      res.once('close', () => guard.setBusy(req.socket, false))
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end()
        else res.destroy()
      })
    },
  )
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET
  // Idle and send timeout: no byte moved for this long (a client that stops reading a body included) closes it.
  server.timeout = limits.idleTimeoutMs
  // Every connection passes the guard before the HTTP parser sees it.
  const parsers = server.listeners('connection') as ((socket: Socket) => void)[]
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    if (!guard.admit(socket)) return
    for (const parse of parsers) parse.call(server, socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Once listening, a failed accept (out of descriptors after all) is not fatal: the next one may succeed.
  server.on('error', () => {})
  const port = (server.address() as AddressInfo).port
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    allowed: { cidrs: allow.cidrs, recorded: allow.recorded },
    guard,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }).then(() => fleet.receiver.store.close()),
  }
}
