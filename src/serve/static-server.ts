// `bai-seed serve`: a small read-only HTTP server for labs, on Node's http module. GET and HEAD of regular files
// under one folder (see request-path.ts for what is refused), no listing, every request logged with its node.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { realpath } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { basename } from 'node:path'
import { firstSegment, resolveRequestPath } from './request-path.js'
import { contentTypeOf } from './content-type.js'
import { NodeFolders } from './node-folders.js'
import type { AccessLogEntry } from './access-log.js'
import { pxeDoneTarget, reportDone } from './pxe-done.js'

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

export async function startStaticServer(options: ServeOptions): Promise<RunningServer> {
  const rootReal = await realpath(options.root)
  const nodes = new NodeFolders(rootReal)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.url ?? ''
    const client = req.socket.remoteAddress ?? '-'
    let bytes = 0
    // Refused requests are logged with their node too: a machine asking for a missing seed file is worth seeing.
    let node: string | null = null
    // A report's token is never logged, whatever the method.
    let logPath = target.replace(/^(\/pxe\/done\/[^/?]*\/)[^?]*/, '$1-')
    res.on('close', () => {
      options.log({
        time: new Date(),
        client,
        method: req.method ?? '-',
        path: logPath,
        status: res.statusCode,
        bytes,
        node,
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
    if (req.method === 'POST') {
      // The one thing a client may write: a node's report of its finished install (pxe-done.ts).
      req.resume()
      const segments = target.startsWith('/') ? target.split('?', 1)[0]!.split('/').filter((s) => s !== '') : []
      let decoded: string[] = []
      try {
        decoded = segments.map((s) => decodeURIComponent(s))
      } catch {
        // not a report
      }
      const done = pxeDoneTarget(decoded)
      if (!done) return refuse(405, 'only GET and HEAD', { allow: 'GET, HEAD' })
      const outcome = reportDone(rootReal, done.hostname, done.token)
      node = outcome.node
      return refuse(outcome.status, outcome.message)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'only GET and HEAD', { allow: 'GET, HEAD' })
    const resolved = await resolveRequestPath(rootReal, target)
    node = await nodes.nodeOf(resolved.ok ? resolved.segments : firstSegment(target))
    if (!resolved.ok) return refuse(resolved.status, resolved.reason)
    res.writeHead(200, {
      'content-type': contentTypeOf(basename(resolved.file)),
      'content-length': resolved.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    if (req.method === 'HEAD') return void res.end()
    const stream = createReadStream(resolved.file)
    stream.on('data', (chunk) => {
      bytes += chunk.length
    })
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
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
