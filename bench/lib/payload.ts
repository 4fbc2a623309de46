// The 1 GiB payload folder for the ISO throughput comparison: three large files and 512 small ones in 8 subfolders,
// filled with AES-CTR keystream (incompressible, never all-zero, so no writer can skip a chunk as a hole, and
// reproducible from a fixed key). Made once; a marker next to the folder (not inside: it would be copied too) holds
// the layout and tells a complete folder from a partial one.
import { createCipheriv } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'

const MiB = 1024 * 1024
export const LARGE_FILES = 3
export const LARGE_SIZE = 320 * MiB
export const SMALL_DIRS = 8
export const SMALL_PER_DIR = 64
export const SMALL_SIZE = 128 * 1024
export const PAYLOAD_BYTES = LARGE_FILES * LARGE_SIZE + SMALL_DIRS * SMALL_PER_DIR * SMALL_SIZE
export const PAYLOAD_FILES = LARGE_FILES + SMALL_DIRS * SMALL_PER_DIR

const layout = JSON.stringify({ LARGE_FILES, LARGE_SIZE, SMALL_DIRS, SMALL_PER_DIR, SMALL_SIZE, fill: 'aes-128-ctr/v1' })

function keystream(): (n: number) => Buffer {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 0x5a), Buffer.alloc(16, 0))
  const zeros = Buffer.alloc(4 * MiB)
  return (n) => cipher.update(n <= zeros.length ? zeros.subarray(0, n) : Buffer.alloc(n))
}

function writeFilled(path: string, size: number, next: (n: number) => Buffer): void {
  const fd = openSync(path, 'w')
  try {
    for (let done = 0; done < size; ) {
      const chunk = next(Math.min(4 * MiB, size - done))
      writeSync(fd, chunk)
      done += chunk.length
    }
  } finally {
    closeSync(fd)
  }
}

/** Makes `dir` hold the payload unless it already does; returns true when it had to write it. */
export function ensurePayload(dir: string): boolean {
  const marker = `${dir}.complete`
  if (existsSync(marker) && readFileSync(marker, 'utf8') === layout) return false
  rmSync(marker, { force: true })
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const next = keystream()
  for (let i = 0; i < LARGE_FILES; i++) writeFilled(join(dir, `large-${i}.img`), LARGE_SIZE, next)
  for (let d = 0; d < SMALL_DIRS; d++) {
    const sub = join(dir, `small-${d}`)
    mkdirSync(sub)
    for (let f = 0; f < SMALL_PER_DIR; f++) writeFilled(join(sub, `file-${String(f).padStart(3, '0')}.bin`), SMALL_SIZE, next)
  }
  writeFileSync(marker, layout)
  return true
}
