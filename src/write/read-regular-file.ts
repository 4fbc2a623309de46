// Reading a small file bai-seed wrote, the way a folder others can write into must be read: never through a symbolic
// link (O_NOFOLLOW), only a regular file (a FIFO or device planted at the path is not read: O_NONBLOCK keeps the
// open from waiting on a FIFO), and only up to a size cap (a huge file or /dev/zero is not read at all).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** The bytes of `path`, or null when it is missing, a link, not a regular file, or larger than `maxBytes`. */
export function readRegularFile(path: string, maxBytes: number): Buffer | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > maxBytes) return null
    const buf = Buffer.alloc(st.size)
    let done = 0
    while (done < buf.length) {
      const n = readSync(fd, buf, done, buf.length - done, null)
      if (n === 0) break
      done += n
    }
    return buf.subarray(0, done)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
