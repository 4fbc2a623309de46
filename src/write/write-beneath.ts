// Writing a file somewhere below a folder without ever leaving it, whatever someone plants in between: each path
// component is opened relative to the already opened folder above it (Linux's /proc/self/fd/N/<name>, which works as
// openat(2) does) with O_NOFOLLOW and O_DIRECTORY, so a symbolic link anywhere below the root (the folder itself, a
// file, or its temporary file) is refused, not followed; the file is created under a fresh random name with O_EXCL
// and renamed over the target inside that same opened folder. Used by `bai-seed serve`, the one process that writes
// into the output folder while others (and their files) may change it.
import { randomBytes } from 'node:crypto'
import { closeSync, constants, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW

/** A name for one path component: no separators, no "." or "..", no NUL. */
function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\u0000]/.test(name)) throw new Error(`not a file name: ${JSON.stringify(name)}`)
}

function at(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`
}

/**
 * Opens `root/<folders...>` (made with `mode` when missing) one component at a time, never through a symbolic link
 * below `root`; returns its descriptor. Throws ENOTDIR (a link, or not a folder) otherwise.
 */
export function openFolderBeneath(root: string, folders: readonly string[], mode = 0o755): number {
  // The root itself is the folder the user named (it may be a link they made); only what lies below it is checked.
  let fd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    for (const name of folders) {
      checkName(name)
      try {
        // mkdir(2) never follows a link at its last component: a planted link makes it fail with EEXIST.
        mkdirSync(at(fd, name), { mode })
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
      const next = openSync(at(fd, name), DIR_FLAGS)
      closeSync(fd)
      fd = next
    }
    return fd
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/**
 * Replaces `root/<path...>` with a file holding `data` (mode `mode`), flushed to disk, in one rename inside the opened
 * folder: readers see the old file or the new one, and nothing is ever written outside `root`.
 */
export function replaceFileBeneath(root: string, path: readonly string[], data: string | Uint8Array, mode: number): void {
  const name = path[path.length - 1]
  if (name === undefined) throw new Error('no file name')
  checkName(name)
  const dirFd = openFolderBeneath(root, path.slice(0, -1))
  try {
    const tmp = `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    const fd = openSync(at(dirFd, tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode)
    try {
      try {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
        fchmodSync(fd, mode)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(at(dirFd, tmp), at(dirFd, name))
    } catch (e) {
      rmSync(at(dirFd, tmp), { force: true })
      throw e
    }
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}

/** Creates `root/<path...>`, which must not exist (O_EXCL: nor may a link stand there), holding `data`. */
export function createFileBeneath(root: string, path: readonly string[], data: string | Uint8Array, mode: number): void {
  const name = path[path.length - 1]
  if (name === undefined) throw new Error('no file name')
  checkName(name)
  const dirFd = openFolderBeneath(root, path.slice(0, -1), 0o700)
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    const fd = openSync(at(dirFd, name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode)
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
    } finally {
      closeSync(fd)
    }
  } finally {
    closeSync(dirFd)
  }
}

/**
 * Removes the file `root/<path...>` (a link there is removed, not followed); false when it or its folder is not there.
 * A folder on the way that is a link throws (ENOTDIR), like any other failure.
 */
export function removeFileBeneath(root: string, path: readonly string[]): boolean {
  const name = path[path.length - 1]
  if (name === undefined) throw new Error('no file name')
  checkName(name)
  const missing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT'
  let dirFd: number
  try {
    dirFd = openFolderBeneathExisting(root, path.slice(0, -1))
  } catch (e) {
    if (missing(e)) return false
    throw e
  }
  try {
    rmSync(at(dirFd, name))
    return true
  } catch (e) {
    if (missing(e)) return false
    throw e
  } finally {
    closeSync(dirFd)
  }
}

/** Like openFolderBeneath, without making anything. */
function openFolderBeneathExisting(root: string, folders: readonly string[]): number {
  let fd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    for (const name of folders) {
      checkName(name)
      const next = openSync(at(fd, name), DIR_FLAGS)
      closeSync(fd)
      fd = next
    }
    return fd
  } catch (e) {
    closeSync(fd)
    throw e
  }
}
