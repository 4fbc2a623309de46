// One deterministic gzip member of a text (no name, MTIME 0, fixed XFL and OS bytes: gzip-member.ts), so the bytes
// depend only on the text and on Node's bundled zlib: cloud-init/user-data is written as one, and the gz+b64 files
// embedded in cloud-config are one in base64 (render/cloud-config/gzip-base64.ts).
import { deflateRaw, deflateRawSync } from 'node:zlib'
import { crc32 } from './crc32.js'
import { gzipHeader, gzipTrailer } from './gzip-member.js'

// zlib's default level, not 9: on these texts (scripts, YAML) level 9 took 2.5x the time for 0.7% fewer bytes
// (13,627 against 13,719 bytes for a GPU agent's cloud-init/user-data), and the two gzips of every node were the
// largest cost of a large render.
export const TEXT_GZIP_LEVEL = 6

/** The gzip member around `deflated`, the raw deflate of `data`. */
function member(data: Buffer, deflated: Buffer): Buffer {
  return Buffer.concat([gzipHeader(TEXT_GZIP_LEVEL), deflated, gzipTrailer(crc32(data), data.length)])
}

/** One gzip member of `text` (UTF-8), as bytes. */
export function gzipText(text: string): Buffer {
  const data = Buffer.from(text, 'utf8')
  return member(data, deflateRawSync(data, { level: TEXT_GZIP_LEVEL }))
}

/** gzipText, compressed in libuv's thread pool (off the calling thread); the same bytes. */
export function gzipTextAsync(text: string): Promise<Buffer> {
  const data = Buffer.from(text, 'utf8')
  return new Promise((resolve, reject) => {
    deflateRaw(data, { level: TEXT_GZIP_LEVEL }, (err, deflated) => {
      if (err) reject(err)
      else resolve(member(data, deflated))
    })
  })
}
