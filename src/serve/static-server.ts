// `bai-seed serve`: a small read-only HTTP server for labs, on Node's http module. GET and HEAD of regular files
// under one folder (see request-path.ts for what is refused), no listing, every request logged with its node, the
// rule that let it through and the bytes actually sent.
//
// Who gets what: a file readable by others (mode 0644/0755: the installer ISO, PXE files, seeds without secrets)
// goes to anyone (allow=public). A file only its owner may read (0600: a seed or script holding a password hash or
// credentials) goes only to a request that names its node's seed token, /<node>/<token>/<path> (allow=token; see
// node-token.ts), and never outside a node folder. The one write is a node reporting an event of its install and
// first boot (POST /report/<node>/<token>) into the status store, and /status shows the fleet (src/fleet/).
//
// HTTP: Range (one range: 206, else 416), ETag and Last-Modified with If-None-Match, If-Modified-Since and If-Range,
// keep-alive with a bounded idle time and requests per connection. Bodies are streamed with stream.pipeline, so a
// client that goes away closes the file at once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { realpath } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { basename } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { firstSegment, resolveRequestPath } from './request-path.js'
import { contentTypeOf } from './content-type.js'
import { NodeFolders } from './node-folders.js'
import { looksLikeToken, readNodeKey, tokenMatches } from './node-token.js'
import { FleetRoutes, loggablePath } from '../fleet/fleet-routes.js'
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
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string
  port: number
  close(): Promise<void>
}

/** Keep-alive limits: idle connections close after this, and after this many requests. */
export const KEEP_ALIVE_MS = 5000
export const MAX_REQUESTS_PER_SOCKET = 1000
/** Read size of file streams: bounds the memory of each download (with the socket's own buffer). */
const CHUNK = 64 * 1024

/** `/<node>/<token>/<rest>` -> the node, the token and `/<node>/<rest>`; null for any other target. */
function splitToken(target: string): { node: string; token: string; target: string } | null {
  const [path, ...query] = target.split('?')
  const parts = path!.split('/')
  // ['', node, token, ...rest]
  if (parts.length < 4 || parts[0] !== '' || !looksLikeToken(parts[2]!)) return null
  let node: string
  try {
    node = decodeURIComponent(parts[1]!)
  } catch {
    return null
  }
  return { node, token: parts[2]!, target: [['', parts[1], ...parts.slice(3)].join('/'), ...query].join('?') }
}

export async function startStaticServer(options: ServeOptions): Promise<RunningServer> {
  const rootReal = await realpath(options.root)
  const nodes = new NodeFolders(rootReal)
  const small = new SmallFileCache()
  const fleet = new FleetRoutes(rootReal, { isNode: async (h) => (await nodes.nodeOf([h])) === h, hostnames: () => nodes.hostnames() })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requested = req.url ?? ''
    const client = req.socket.remoteAddress ?? '-'
    let bytes = 0
    let allow: AccessLogEntry['allow']
    // Refused requests are logged with their node too: a machine asking for a missing seed file is worth seeing.
    let node: string | null = null
    // A report's token is never logged, whatever the method.
    const logPath = loggablePath(requested)
    res.on('close', () => {
      options.log({ time: new Date(), client, method: req.method ?? '-', path: logPath, status: res.statusCode, bytes, node, allow, complete: res.writableFinished })
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
    // Reports and the status pages (src/fleet/fleet-routes.ts).
    const answer = await fleet.handle(req, res)
    if (answer) {
      node = answer.node
      bytes = answer.bytes
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'only GET and HEAD', { allow: 'GET, HEAD' })

    let target = requested
    let tokenOk = false
    const withToken = splitToken(requested)
    if (withToken) {
      const isNode = (await nodes.nodeOf([withToken.node])) !== null
      const key = isNode ? readNodeKey(rootReal) : null
      node = isNode ? withToken.node : null
      if (!key || !tokenMatches(key, 'seed', withToken.node, withToken.token)) return refuse(403, 'not the token of this node')
      tokenOk = true
      target = withToken.target
    }
    const resolved = await resolveRequestPath(rootReal, target)
    node = await nodes.nodeOf(resolved.ok ? resolved.segments : firstSegment(target))
    if (!resolved.ok) return refuse(resolved.status, resolved.reason)
    const st = resolved.stats
    const ownerOnly = (st.mode & 0o004) === 0
    if (tokenOk && resolved.segments[0] === node) allow = 'token'
    else if (!ownerOnly) allow = 'public'
    else return refuse(403, node ? 'this file holds secrets: use the seed URL with the node\'s token' : 'not readable by others')

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
    res.writeHead(status, {
      ...common,
      'content-type': contentTypeOf(basename(resolved.file)),
      'content-length': length,
      ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${st.size}` } : {}),
    })
    if (req.method === 'HEAD' || length === 0) return void res.end()
    if (cached) {
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
        done(null, chunk)
      },
    })
    try {
      await pipeline(createReadStream(resolved.file, { start, end, highWaterMark: CHUNK }), counter, res)
    } catch {
      // The client went away (or the file could not be read): pipeline has destroyed every stream.
    }
  }

  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS, requestTimeout: 30_000, headersTimeout: 20_000 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
