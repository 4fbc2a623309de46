// HTTP(S) downloads of the payload build, trusting the system's CAs plus the inventory's site CAs, following
// redirects (release assets are redirected to a CDN). A download goes to a .part file (in the build cache's partDir,
// named after the URL, else <dest>.part) and is renamed when complete; a .part left by an interrupted run is
// continued with a Range request (from the start when the server ignores it).
import { get as httpGet, type IncomingMessage } from 'node:http'
import { get as httpsGet } from 'node:https'
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import { pipeline } from 'node:stream/promises'
import { OutputError } from '../diagnostics/errors.js'
import { createHash } from 'node:crypto'
import { basename, join } from 'node:path'

export interface FetchOptions {
  /** PEM certificates to trust besides the system's (the inventory's mirrors.ca_certificates). */
  ca: readonly string[]
  /** Folder of the partial downloads, kept across runs (the payload's build cache; same file system as dest). */
  partDir?: string
}

function open(url: string, opts: FetchOptions, method: 'GET' | 'HEAD', hops = 0, from = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    const get = u.protocol === 'https:' ? httpsGet : u.protocol === 'http:' ? httpGet : undefined
    if (!get) return reject(new OutputError('FETCH', url, 'only http and https URLs are fetched'))
    const headers: Record<string, string> = { 'user-agent': 'bai-seed-payload', ...(from > 0 ? { range: `bytes=${from}-` } : {}) }
    const req = get(u, { method, ca: opts.ca.length ? [...rootCertificates, ...opts.ca] : undefined, headers }, (res) => {
      const status = res.statusCode ?? 0
      if (status >= 300 && status < 400 && res.headers.location && hops < 5) {
        res.resume()
        resolve(open(new URL(res.headers.location, u).toString(), opts, method, hops + 1, from))
      } else if (status !== 200 && !(status === 206 && from > 0)) {
        res.resume()
        reject(new OutputError('FETCH', url, `HTTP ${status}`))
      } else resolve(res)
    })
    req.setTimeout(60_000, () => req.destroy(new Error('no answer for 60 s')))
    req.on('error', (e) => reject(new OutputError('FETCH', url, e.message)))
  })
}

export async function fetchToFile(url: string, dest: string, opts: FetchOptions): Promise<void> {
  const part = opts.partDir ? join(opts.partDir, `${createHash('sha256').update(url).digest('hex').slice(0, 16)}-${basename(dest)}.part`) : `${dest}.part`
  const have = existsSync(part) ? statSync(part).size : 0
  const res = await open(url, opts, 'GET', 0, have)
  // 206: the rest of the file after what the .part holds; 200: the whole file, the .part is written anew.
  const append = res.statusCode === 206 && String(res.headers['content-range'] ?? '').startsWith(`bytes ${have}-`)
  if (res.statusCode === 206 && !append) {
    res.resume()
    throw new OutputError('FETCH', url, `the server answered another range than bytes ${have}- (${res.headers['content-range'] ?? 'none'})`)
  }
  await pipeline(res, createWriteStream(part, { mode: 0o644, flags: append ? 'a' : 'w' }))
  renameSync(part, dest)
}

export async function fetchText(url: string, opts: FetchOptions): Promise<string> {
  const res = await open(url, opts, 'GET')
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The Content-Length of url (for the size estimate), or 0 when the server does not say. */
export async function fetchSize(url: string, opts: FetchOptions): Promise<number> {
  const res = await open(url, opts, 'HEAD')
  res.resume()
  return Number(res.headers['content-length'] ?? 0)
}
