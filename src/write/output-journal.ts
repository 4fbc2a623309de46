// The switch from the old output to the new one, and its repair after a crash.
//
// A render first writes every new node folder, and the new manifest.json, into a staging folder inside the output
// folder. Then it records a journal (`.bai-seed/journal.json`: the staging folder, the folders to swap, and the sha256
// of the new manifest), moves each old folder into the staging folder and each new one into place, and finally
// renames the new manifest.json into place: that one rename is the commit. Until it, the old manifest stands and the
// journal says how to put the old folders back; after it, the new manifest stands and only clean-up is left.
//
// `recoverOutput` (run by every writer under the output lock before anything else) finishes what a killed run
// left: it reads whether the commit happened from the staging folder (its manifest.json is gone once committed), then either rolls the swaps back (old output, wholly) or
// removes the leftovers (new output, wholly). Every step is a rename or a removal that can be repeated, so a crash
// during the repair is repaired by the next run too.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { crashPoint } from './crash-point.js'
import { replaceFile, syncFolder } from './exclusive-file.js'
import { MANIFEST_NAME } from './manifest.js'
import { JOURNAL_FILE, ensureStateDir, statePath } from './output-state.js'

export interface Journal {
  /** Name of the staging folder inside the output folder. */
  staging: string
  /** Folders (or files) swapped in from the staging folder; `existed`: an old one was there to move away. */
  swapped: { name: string; existed: boolean }[]
  /** Old folders moved away without a replacement (stale nodes). */
  removed: string[]
  /** sha256 of the new manifest.json. */
  manifestSha256: string
}

const OLD = '.old'

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

export function readJournal(outDir: string): Journal | null {
  const path = statePath(outDir, JOURNAL_FILE)
  if (!existsSync(path)) return null
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Journal
    if (typeof j.staging !== 'string' || !/^\.staging-[\w-]+$/.test(j.staging) || !Array.isArray(j.swapped) || !Array.isArray(j.removed)) return null
    return j
  } catch {
    return null
  }
}

/** Makes `staging` (with the new folders and manifest.json in it) the output, in the order described above. */
export function switchOutput(outDir: string, journal: Journal): void {
  const staging = join(outDir, journal.staging)
  ensureStateDir(outDir)
  replaceFile(statePath(outDir, JOURNAL_FILE), JSON.stringify(journal) + '\n', 0o600)
  syncFolder(statePath(outDir))
  crashPoint()
  try {
    mkdirSync(join(staging, OLD))
    for (const { name, existed } of journal.swapped) {
      if (existed) {
        renameSync(join(outDir, name), join(staging, OLD, name))
        crashPoint()
      }
      renameSync(join(staging, name), join(outDir, name))
      crashPoint()
    }
    for (const name of journal.removed) {
      renameSync(join(outDir, name), join(staging, OLD, name))
      crashPoint()
    }
    syncFolder(outDir)
    renameSync(join(staging, MANIFEST_NAME), join(outDir, MANIFEST_NAME))
    syncFolder(outDir)
    crashPoint()
  } catch (e) {
    // Not committed: put the old output back (a failure of the repair is left to the next run's).
    try {
      recoverOutput(outDir)
    } catch {
      // The journal is still there.
    }
    throw e
  }
  finish(outDir, journal)
}

function finish(outDir: string, journal: Journal): void {
  rmSync(statePath(outDir, JOURNAL_FILE), { force: true })
  crashPoint()
  rmSync(join(outDir, journal.staging), { recursive: true, force: true })
}

/** Repairs the output after a killed run (see above). Returns what it did, or null when there was nothing to do. */
export function recoverOutput(outDir: string): 'rolled back' | 'completed' | null {
  const journal = readJournal(outDir)
  if (!journal) {
    // An unreadable journal cannot be acted on; it is removed so that the next switch can write its own.
    rmSync(statePath(outDir, JOURNAL_FILE), { force: true })
    return null
  }
  const staging = join(outDir, journal.staging)
  // Without its staging folder (removed by hand) there is nothing to put back.
  if (!exists(staging)) {
    rmSync(statePath(outDir, JOURNAL_FILE), { force: true })
    return null
  }
  // The commit is the rename of the staged manifest.json: it happened exactly when the staging folder no longer holds
  // it. (Comparing manifest hashes cannot tell: an identical re-render stages the same manifest, and a switch killed
  // between the two renames of one node was taken for committed, losing that node.)
  if (!exists(join(staging, MANIFEST_NAME))) {
    finish(outDir, journal)
    return 'completed'
  }
  const old = join(staging, OLD)
  for (const name of [...journal.removed].reverse()) {
    if (exists(join(old, name)) && !exists(join(outDir, name))) renameSync(join(old, name), join(outDir, name))
  }
  for (const { name } of [...journal.swapped].reverse()) {
    // The new folder is in place when it is no longer in the staging folder.
    if (!exists(join(staging, name)) && exists(join(outDir, name))) renameSync(join(outDir, name), join(staging, name))
    if (exists(join(old, name))) renameSync(join(old, name), join(outDir, name))
  }
  syncFolder(outDir)
  finish(outDir, journal)
  return 'rolled back'
}
