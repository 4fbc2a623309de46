// Writing files that must never land somewhere else: created with O_CREAT|O_EXCL (which also refuses a symbolic link
// at the path, planted or not), under a name nobody can guess ahead, flushed to disk, then renamed over the target
// (rename(2) replaces a symbolic link at the target instead of following it).
import { randomBytes } from 'node:crypto'
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * Creates `path`, which must not exist (nor may a link stand there), with `data` and exactly `mode` (whatever the
 * umask), and flushes it to disk unless `flush` is false (a lock file: its content matters only while it exists).
 */
export function createFileExclusive(path: string, data: Uint8Array | string, mode: number, flush = true): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode)
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
    fchmodSync(fd, mode)
    if (flush) fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Replaces `path` with a file holding `data`, in one rename: readers see the old file or the new one. */
export function replaceFile(path: string, data: Uint8Array | string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    createFileExclusive(tmp, data, mode)
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

/** Flushes a folder's entries (renames, creations) to disk; best effort where the file system cannot. */
export function syncFolder(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a folder; the renames are still in order.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
