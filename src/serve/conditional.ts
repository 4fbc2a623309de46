// Conditional GET (RFC 9110 section 13): If-None-Match / If-Modified-Since for a 304, If-Range for a resumed download.
import type { IncomingMessage } from 'node:http'

function etagListHas(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const tag = t.trim()
    return tag === '*' || tag.replace(/^W\//, '') === etag
  })
}

/** Whether the client's copy is current (answer 304). If-None-Match wins over If-Modified-Since. */
export function notModified(req: IncomingMessage, etag: string, mtimeMs: number): boolean {
  const inm = req.headers['if-none-match']
  if (inm !== undefined) return etagListHas(inm, etag)
  const ims = req.headers['if-modified-since']
  if (ims === undefined) return false
  const since = Date.parse(ims)
  return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since
}

/** Whether a Range applies: no If-Range, or one that names the current ETag or Last-Modified. */
export function ifRangeMatches(req: IncomingMessage, etag: string, mtimeMs: number): boolean {
  const raw = req.headers['if-range']
  const ir = Array.isArray(raw) ? raw[0] : raw
  if (ir === undefined) return true
  if (ir.startsWith('"') || ir.startsWith('W/')) return ir === etag
  const date = Date.parse(ir)
  return !Number.isNaN(date) && Math.floor(mtimeMs / 1000) * 1000 === date
}
