// The switch from the old output to the new one, and its repair after a crash.
//
// A writer first writes every new file or folder, and the new manifest.json, into a staging folder of its own
// (`.bai-seed/tmp-<pid>-*`, on the output's file system). Then it records a journal (`.bai-seed/journal.json`: the
// staging folder, the entries to swap, the folders it makes for them), moves each old entry into the staging folder's
// `.old/` and each new one into place, and finally renames the new manifest.json into place: that one rename is the
// commit. Until it, the old manifest stands and the journal says how to put the old entries back; after it, the new
// manifest stands and only clean-up is left. Entries are top-level node folders (render) or single files at any depth
// (the PXE tree: `pxe/grub/grub.cfg`), so that files the writer does not own are never moved at all.
//
// `recoverOutput` (run by every writer under the output lock before anything else) finishes what a killed run left.
// Whether the commit happened is read from the staging folder itself: its manifest.json is still there exactly when
// the commit rename did not happen (comparing manifest hashes cannot tell: an identical re-render writes the same
// manifest). Not committed: the swaps are rolled back (old output, wholly); committed: the leftovers are removed (new
// output, wholly). Every step is a rename or a removal that can be repeated, so a crash during the repair is repaired
// by the next run too.
import { lstatSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { crashPoint } from './crash-point.js'
import { replaceFile, syncFolder } from './exclusive-file.js'
import { MANIFEST_NAME } from './manifest.js'
import { JOURNAL_FILE, STATE_DIR, ensureStateDir, statePath } from './output-state.js'
import { STATE_TEMP_PREFIX } from '../model/output-layout.js'
import { PRIVATE_FILE } from './file-mode.js'

export interface Journal {
  /** The staging folder, relative to the output folder (`.bai-seed/tmp-<pid>-*`). */
  staging: string
  /** Entries ('/'-separated paths) swapped in from the staging folder; `existed`: an old one was there to move away. */
  swapped: { name: string; existed: boolean }[]
  /** Old entries moved away without a replacement (stale nodes, files no longer generated). */
  removed: string[]
  /** Folders of the output made for the swapped entries, parents first; removed again (when empty) by a rollback. */
  made?: string[]
}

const OLD = '.old'
const STAGING = new RegExp(`^${STATE_DIR.replace('.', '\\.')}/${STATE_TEMP_PREFIX}\\d+-[\\w]+$`)
const SAFE_NAME = (name: unknown): boolean =>
  typeof name === 'string' && name !== '' && !name.split('/').some((s) => s === '' || s === '.' || s === '..' || s === STATE_DIR)

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

const at = (root: string, name: string): string => join(root, ...name.split('/'))

export function readJournal(outDir: string): Journal | null {
  try {
    const j = JSON.parse(readFileSync(statePath(outDir, JOURNAL_FILE), 'utf8')) as Journal
    if (typeof j.staging !== 'string' || !STAGING.test(j.staging) || !Array.isArray(j.swapped) || !Array.isArray(j.removed)) return null
    if (!j.swapped.every((s) => SAFE_NAME(s?.name)) || !j.removed.every(SAFE_NAME) || !(j.made ?? []).every(SAFE_NAME)) return null
    return j
  } catch {
    return null
  }
}

/** Folders to make in `outDir` so that every nested entry has its parent, parents first. */
function missingParents(outDir: string, names: readonly string[]): string[] {
  const made: string[] = []
  const seen = new Set<string>()
  for (const name of names) {
    const parts = name.split('/').slice(0, -1)
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/')
      if (seen.has(dir)) continue
      seen.add(dir)
      if (!exists(at(outDir, dir))) made.push(dir)
    }
  }
  return made
}

/** Makes `staging` (with the new entries and manifest.json in it) the output, in the order described above. */
export function switchOutput(outDir: string, journal: Journal): void {
  const staging = at(outDir, journal.staging)
  journal = { ...journal, made: missingParents(outDir, journal.swapped.map((s) => s.name)) }
  ensureStateDir(outDir)
  replaceFile(statePath(outDir, JOURNAL_FILE), JSON.stringify(journal) + '\n', PRIVATE_FILE)
  syncFolder(statePath(outDir))
  crashPoint()
  try {
    const old = join(staging, OLD)
    mkdirSync(old)
    for (const dir of journal.made ?? []) mkdirSync(at(outDir, dir))
    const moveAway = (name: string): void => {
      if (name.includes('/')) mkdirSync(dirname(at(old, name)), { recursive: true })
      renameSync(at(outDir, name), at(old, name))
      crashPoint()
    }
    for (const { name, existed } of journal.swapped) {
      if (existed) moveAway(name)
      renameSync(at(staging, name), at(outDir, name))
      crashPoint()
    }
    for (const name of journal.removed) moveAway(name)
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
  rmSync(at(outDir, journal.staging), { recursive: true, force: true })
}

/** Repairs the output after a killed run (see above). Returns what it did, or null when there was nothing to do. */
export function recoverOutput(outDir: string): 'rolled back' | 'completed' | null {
  const journal = readJournal(outDir)
  if (!journal) {
    // An unreadable journal cannot be acted on; it is removed so that the next switch can write its own.
    rmSync(statePath(outDir, JOURNAL_FILE), { force: true })
    return null
  }
  const staging = at(outDir, journal.staging)
  // Without its staging folder (removed by hand) there is nothing to put back.
  if (!exists(staging)) {
    rmSync(statePath(outDir, JOURNAL_FILE), { force: true })
    return null
  }
  if (!exists(join(staging, MANIFEST_NAME))) {
    finish(outDir, journal)
    return 'completed'
  }
  const old = join(staging, OLD)
  for (const name of [...journal.removed].reverse()) {
    if (exists(at(old, name)) && !exists(at(outDir, name))) renameSync(at(old, name), at(outDir, name))
  }
  for (const { name } of [...journal.swapped].reverse()) {
    // The new entry is in place when it is no longer in the staging folder.
    if (!exists(at(staging, name)) && exists(at(outDir, name))) renameSync(at(outDir, name), at(staging, name))
    if (exists(at(old, name))) renameSync(at(old, name), at(outDir, name))
  }
  for (const dir of [...(journal.made ?? [])].reverse()) {
    try {
      rmdirSync(at(outDir, dir))
    } catch {
      // Not empty (something else was put there meanwhile) or already gone: left as it is.
    }
  }
  syncFolder(outDir)
  finish(outDir, journal)
  return 'rolled back'
}
