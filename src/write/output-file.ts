// Files of the output folder: written with their mode (and the real time of writing: tools such as `cp -u` and
// rsync compare it; only the images and bundles carry SOURCE_DATE_EPOCH inside), and hashed from memory for
// manifest.json (so the manifest need not read back what was just written). Synchronous on purpose: a large
// render writes thousands of small files, and sending each open, write and chmod through libuv's thread
// pool cost more in hand-offs than the writing itself. Large renders run this in a worker (file-sink.ts).
import { createHash } from 'node:crypto'
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ManifestEntry } from './manifest.js'
import { modeString } from './file-mode.js'

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

/** Writes `file` as a new file (its folder must exist); returns its manifest entry. */
function writeOutputFile(file: OutputFile): ManifestEntry {
  const { path, data, mode } = file
  const fd = openSync(path, 'wx', mode)
  try {
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done)
    // The umask may have taken bits off the mode given to open(2).
    fchmodSync(fd, mode)
  } finally {
    closeSync(fd)
  }
  const sha256 = file.sha256 ?? createHash('sha256').update(data).digest('hex')
  return { path: file.manifestPath, size: data.length, mode: modeString(mode), sha256 }
}

/** Writes files in order, making their folders as needed. */
export function writeOutputFiles(files: readonly OutputFile[]): ManifestEntry[] {
  const made = new Set<string>()
  return files.map((f) => {
    const parent = dirname(f.path)
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true })
      made.add(parent)
    }
    return writeOutputFile(f)
  })
}
