// The one way every writer (render, pxe, iso, bundle, and the next one) opens its output folder, in this order:
//   1. the guard: never `/`, a home folder, or a folder holding the inputs (output-guard.ts);
//   2. ownership, before anything is touched: a folder with content and no manifest.json of ours is refused unless
//      --force (output-ownership.ts); a refused run changes nothing, not even `.bai-seed/`;
//   3. the lock: one writer at a time (output-lock.ts);
//   4. the repair of a switch a killed run left half-way (output-journal.ts) and the removal of its temporaries,
//      which live only in `.bai-seed/` (output-state.ts);
//   5. the manifest read again under the lock, as the record of what the run may replace.
// The writer then stages its files in `tempDir()` / `tempFile()` and switches them in (output-journal.ts), or
// switches staged single files in (commitStaged).
import { mkdirSync } from 'node:fs'
import { readManifest, type Manifest } from './manifest.js'
import { checkOutputFolder, type OutputInputs } from './output-guard.js'
import { acquireOutputLock, type OutputLock } from './output-lock.js'
import { recoverOutput } from './output-journal.js'
import { makeTempDir, removeStaleTemps, tempFilePath } from './output-state.js'
import { Ownership } from './output-ownership.js'
import { asOutputError } from '../diagnostics/errors.js'

export interface OpenOptions {
  dir: string
  /** The inventory and profile folders of this run: the output folder must not hold them. */
  inputs?: OutputInputs
  /** Write into a folder whose content bai-seed's manifest does not account for. */
  force?: boolean
  /** How long to wait for another run's lock. */
  lockWaitMs?: number
}

export interface OutputFolder {
  dir: string
  /** manifest.json as it was when the lock was taken (null: none). */
  previous: Manifest | null
  ownership: Ownership
  /** What was done to a switch a killed run left half-way, and the temporaries of killed runs removed. */
  repaired: 'rolled back' | 'completed' | null
  cleaned: string[]
  /** A new staging folder of this run, relative to `dir`. */
  tempDir(): string
  /** An absolute path for a temporary file of this run (create it with O_EXCL). */
  tempFile(suffix?: string): string
  release(): void
}

export async function openOutputFolder(options: OpenOptions): Promise<OutputFolder> {
  const force = options.force ?? false
  try {
    checkOutputFolder(options.dir, options.inputs)
    // Refused before anything is made or taken: a refused run leaves the folder as it was.
    new Ownership(options.dir, readManifest(options.dir), force).checkFolder()
    mkdirSync(options.dir, { recursive: true })
  } catch (e) {
    throw asOutputError(e, options.dir)
  }
  let lock: OutputLock
  try {
    lock = await acquireOutputLock(options.dir, options.lockWaitMs)
  } catch (e) {
    throw asOutputError(e, options.dir)
  }
  try {
    const repaired = recoverOutput(options.dir)
    const cleaned = removeStaleTemps(options.dir)
    const previous = readManifest(options.dir)
    const ownership = new Ownership(options.dir, previous, force)
    ownership.checkFolder()
    return {
      dir: options.dir,
      previous,
      ownership,
      repaired,
      cleaned,
      tempDir: () => makeTempDir(options.dir),
      tempFile: (suffix) => tempFilePath(options.dir, suffix),
      release: () => lock.release(),
    }
  } catch (e) {
    lock.release()
    throw asOutputError(e, options.dir)
  }
}

/** Runs `fn` with the output folder open, and releases it however `fn` ends. */
export async function withOutputFolder<T>(options: OpenOptions, fn: (folder: OutputFolder) => Promise<T>): Promise<T> {
  const folder = await openOutputFolder(options)
  try {
    return await fn(folder)
  } finally {
    folder.release()
  }
}
