// A gzip file (RFC 1952) written around Node's raw deflate, because zlib.createGzip fills the header itself: its
// OS byte is the build platform's (section 2.3.1: 3 on Unix, 11 on NTFS...). Here every header field is fixed:
// no name, no comment, MTIME 0 ("no time stamp"), XFL 2 (maximum compression), OS 255 ("unknown"), so the bytes
// depend only on the input and on the deflate implementation (Node's bundled zlib).
import { Transform, type TransformCallback } from 'node:stream'
import { createDeflateRaw } from 'node:zlib'
import { pipeline } from 'node:stream/promises'
import type { Readable, Writable } from 'node:stream'
import { crc32 } from './crc32.js'

export const GZIP_LEVEL = 9

/**
 * Section 2.3: ID1 ID2 CM(8 = deflate) FLG(0) MTIME(4 bytes, 0) XFL OS(255). XFL 2 says "maximum compression"
 * (level 9), 0 any other level.
 */
export function gzipHeader(level = GZIP_LEVEL): Buffer {
  return Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, level === 9 ? 0x02 : 0x00, 0xff])
}

/** Section 2.3.1: CRC32 and ISIZE (input size modulo 2^32), both little-endian. */
export function gzipTrailer(crc: number, size: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeUInt32LE(crc >>> 0, 0)
  b.writeUInt32LE(size % 2 ** 32, 4)
  return b
}

/** Streams `source` into `destination` as one gzip member. */
export async function gzipTo(source: Readable, destination: Writable): Promise<void> {
  let crc = 0
  let size = 0
  const measure = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      crc = crc32(chunk, crc)
      size += chunk.length
      done(null, chunk)
    },
  })
  let started = false
  const frame = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      if (!started) {
        started = true
        this.push(gzipHeader())
      }
      done(null, chunk)
    },
    // Runs after the deflate stream ended, hence after `measure` saw every input byte.
    flush(done: TransformCallback) {
      if (!started) this.push(gzipHeader())
      done(null, gzipTrailer(crc, size))
    },
  })
  await pipeline(source, measure, createDeflateRaw({ level: GZIP_LEVEL }), frame, destination)
}
