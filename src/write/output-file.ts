// Files of the output folder: written with their mode (and the real time of writing: tools such as `cp -u` and
// rsync compare it; only the images and bundles carry SOURCE_DATE_EPOCH inside), and hashed from memory for
// manifest.json (so the manifest need not read back what was just written). A file whose bytes and mode are those
// of the previous render's file (its manifest entry says so, and the file on disk agrees byte for byte) is not
// written again: the old file is hard-linked into the staging folder, so it keeps its inode and mtime and rsync or
// `cp -u` find nothing to copy (where links fail, a new file gets the old mtime). Synchronous on purpose: a large
// render writes thousands of small files, and sending each open, write and chmod through libuv's thread pool cost
// more in hand-offs than the writing itself. Large renders run this on the render threads (render-pool.ts).
import { createHash } from 'node:crypto'
import { closeSync, fchmodSync, linkSync, mkdirSync, openSync, readSync, utimesSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ManifestEntry } from './manifest.js'
import { modeString } from './file-mode.js'
import { openRegularFile } from './read-regular-file.js'

export interface OutputFile {
  /** Where to write it (absolute, or relative to the working directory). */
  path: string
  /** Its path in manifest.json, relative to the output folder. */
  manifestPath: string
  data: Uint8Array
  mode: number
  /** sha256 (hex) of `data` when already known (the renderer hashes user-data for the instance-id). */
  sha256?: string
}

export { modeString }

/** The previous render's files a writer may keep: the output folder, and their manifest entries by path. */
export interface PreviousFiles {
  dir: string
  entries: ReadonlyMap<string, ManifestEntry>
}

/** A written file's manifest entry; `kept`: the previous render's identical file was linked in instead. */
export type WrittenEntry = ManifestEntry & { kept?: true }

/** The entries of `list` by path, for writeOutputFiles (undefined when there are none). */
export function previousFiles(dir: string, list: readonly ManifestEntry[] | undefined): PreviousFiles | undefined {
  return list?.length ? { dir, entries: new Map(list.map((e) => [e.path, e])) } : undefined
}

/**
 * Whether the file at `path` is a regular file (not a link) holding exactly `data` with `mode`; its times if so.
 * Read only when the size already matches.
 */
function sameFileAt(path: string, data: Uint8Array, mode: number): { atime: Date; mtime: Date } | null {
  const opened = openRegularFile(path)
  if (!opened) return null
  const { fd, st } = opened
  try {
    // Only a file of this user's that no other name shares: a link is never made to someone else's file.
    if (st.nlink !== 1 || st.uid !== process.getuid?.() || st.size !== data.length || (st.mode & 0o777) !== (mode & 0o777)) return null
    const buf = Buffer.allocUnsafe(Math.min(Math.max(data.length, 1), 1 << 20))
    for (let done = 0; done < data.length; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, data.length - done), done)
      if (n === 0 || !buf.subarray(0, n).equals(data.subarray(done, done + n))) return null
      done += n
    }
    return { atime: st.atime, mtime: st.mtime }
  } finally {
    closeSync(fd)
  }
}

function writeNew(path: string, data: Uint8Array, mode: number): void {
  const fd = openSync(path, 'wx', mode)
  try {
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done)
    // The umask may have taken bits off the mode given to open(2).
    fchmodSync(fd, mode)
  } finally {
    closeSync(fd)
  }
}

/** Writes `file` as a new file (its folder must exist), or links in the previous render's identical one. */
function writeOutputFile(file: OutputFile, previous: PreviousFiles | undefined): WrittenEntry {
  const { path, data, mode } = file
  const sha256 = file.sha256 ?? createHash('sha256').update(data).digest('hex')
  const entry: WrittenEntry = { path: file.manifestPath, size: data.length, mode: modeString(mode), sha256 }
  const before = previous?.entries.get(file.manifestPath)
  if (before && before.sha256 === sha256 && before.size === data.length && before.mode === entry.mode) {
    const old = join(previous!.dir, ...file.manifestPath.split('/'))
    const same = sameFileAt(old, data, mode)
    if (same) {
      entry.kept = true
      try {
        linkSync(old, path)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e
        // No hard link here (another file system's rules, a link limit): a new file with the old times, which is
        // what sync tools compare.
        writeNew(path, data, mode)
        utimesSync(path, same.atime, same.mtime)
      }
      return entry
    }
  }
  writeNew(path, data, mode)
  return entry
}

/**
 * Writes files in order, making their folders as needed; a file identical to the one `previous` lists at its
 * manifest path is linked in from there (WrittenEntry.kept).
 */
export function writeOutputFiles(files: readonly OutputFile[], previous?: PreviousFiles): WrittenEntry[] {
  const made = new Set<string>()
  return files.map((f) => {
    const parent = dirname(f.path)
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true })
      made.add(parent)
    }
    return writeOutputFile(f, previous)
  })
}
