// A file embedded in cloud-config write_files as `encoding: gz+b64`: the script is most of a node's user-data, and
// compressed it fits the 16 KiB that EC2 takes. cloud-init unpacks gz+b64 since 0.7 (Ubuntu 20.04 GA ships 20.1).
// The gzip member is deterministic: no name, MTIME 0, fixed XFL and OS bytes (write/gzip-member.ts), so the bytes
// depend only on the text and on Node's bundled zlib.
import { deflateRaw, deflateRawSync } from 'node:zlib'
import { crc32 } from '../../write/crc32.js'
import { gzipHeader, gzipTrailer } from '../../write/gzip-member.js'

export const GZIP_BASE64 = 'gz+b64'

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

/** The `content` of a write_files entry with `encoding: gz+b64`. */
export function gzipBase64(text: string): string {
  return gzipText(text).toString('base64')
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

/** gzipBase64, compressed in libuv's thread pool; the same bytes. */
export async function gzipBase64Async(text: string): Promise<string> {
  return (await gzipTextAsync(text)).toString('base64')
}
