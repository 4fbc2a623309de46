// The bytes of small files (seeds, scripts, PXE configs: a few KiB each), kept in memory so that a request for one
// costs a stat and a write instead of an open, a read and a close. An entry is used only while the file's identity
// and times are those of the stat taken for the request (device, inode, size, mtime and ctime with their fractions), so
// a rewritten or replaced file is read again. Memory is bounded: files over MAX_FILE bytes are never kept, and the
// oldest entries go when the total passes MAX_TOTAL.
import type { Stats } from 'node:fs'
import { open } from 'node:fs/promises'

export const MAX_FILE = 64 * 1024
export const MAX_TOTAL = 32 * 1024 * 1024

interface Entry {
  version: string
  data: Buffer
}

/** Everything that changes when a file's bytes may have changed. */
function versionOf(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
}

export class SmallFileCache {
  private entries = new Map<string, Entry>()
  private total = 0

  /**
   * The bytes of `file` as of `st`, or null when the file is too big to keep or no longer matches `st` (the caller
   * then streams it).
   */
  async bytesOf(file: string, st: Stats): Promise<Buffer | null> {
    if (st.size > MAX_FILE) return null
    const version = versionOf(st)
    const hit = this.entries.get(file)
    if (hit && hit.version === version) return hit.data
    const handle = await open(file, 'r')
    let data: Buffer
    try {
      const now = await handle.stat()
      if (versionOf(now) !== version) return null
      data = await handle.readFile()
    } finally {
      await handle.close()
    }
    if (data.length !== st.size) return null
    this.put(file, { version, data })
    return data
  }

  private put(file: string, entry: Entry): void {
    const old = this.entries.get(file)
    if (old) {
      this.total -= old.data.length
      this.entries.delete(file)
    }
    this.entries.set(file, entry)
    this.total += entry.data.length
    for (const [key, e] of this.entries) {
      if (this.total <= MAX_TOTAL) break
      this.entries.delete(key)
      this.total -= e.data.length
    }
  }
}
