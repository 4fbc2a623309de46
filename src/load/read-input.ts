// Reading an input file (inventory, profile, password file) so that a wrong file fails fast and cleanly: only
// regular files (not /dev/zero, a FIFO or a folder: opened without blocking, checked before reading), at most
// `maxBytes` (checked before reading, and again while reading a file that grows), and valid UTF-8 (the first bad
// byte reported with its line and column; a UTF-16 byte-order mark named as such).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** Size limits: far above any real input (a 10,000-node inventory is about 2 MiB), low enough to fail in a moment. */
export const MAX_INVENTORY_BYTES = 8 * 1024 * 1024
export const MAX_PROFILE_BYTES = 1024 * 1024
export const MAX_PASSWORD_FILE_BYTES = 64 * 1024

export type InputRead =
  | { ok: true; text: string }
  | { ok: false; code: 'FILE_NOT_FOUND' | 'FILE_READ' | 'FILE_NOT_REGULAR' | 'FILE_TOO_LARGE' | 'FILE_ENCODING'; message: string; line: number; col: number }

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}

/** Byte offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0
  const n = buf.length
  while (i < n) {
    const b = buf[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80)
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800)
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000)
    else return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/** Line and column (1-based, columns in characters) of byte `offset`; the bytes before it are valid UTF-8. */
function positionOf(buf: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 10) {
      line++
      lineStart = i + 1
    }
  }
  const col = [...Buffer.from(buf.subarray(lineStart, offset)).toString('utf8')].length + 1
  return { line, col }
}

export function readInputFile(path: string, maxBytes: number, what: string): InputRead {
  const fail = (code: Exclude<InputRead, { ok: true }>['code'], message: string, line = 1, col = 1): InputRead => ({ ok: false, code, message, line, col })
  let fd: number
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return fail('FILE_NOT_FOUND', 'file not found')
    if (code === 'EISDIR') return fail('FILE_NOT_REGULAR', `is a folder, not ${what}`)
    return fail('FILE_READ', `cannot read the file (${code ?? 'error'})`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a folder' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file'
      return fail('FILE_NOT_REGULAR', `is ${kind}, not a regular file; ${what} must be a regular file`)
    }
    const tooLarge = (): InputRead => fail('FILE_TOO_LARGE', `is larger than ${mib(maxBytes)}, the limit for ${what}`)
    if (st.size > maxBytes) return tooLarge()
    // One byte more than the limit, to notice a file that grew since fstat.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1)
    let done = 0
    for (;;) {
      if (done === buf.length) return tooLarge()
      const n = readSync(fd, buf, done, buf.length - done, null)
      if (n === 0) break
      done += n
    }
    const bytes = buf.subarray(0, done)
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      return fail('FILE_ENCODING', 'starts with a UTF-16 byte-order mark: UTF-16? save the file as UTF-8')
    }
    const bad = firstInvalidUtf8(bytes)
    if (bad >= 0) {
      const { line, col } = positionOf(bytes, bad)
      return fail('FILE_ENCODING', `invalid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte offset ${bad}); save the file as UTF-8`, line, col)
    }
    return { ok: true, text: bytes.toString('utf8') }
  } catch (e) {
    return fail('FILE_READ', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  } finally {
    closeSync(fd)
  }
}
