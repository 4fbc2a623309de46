// bai-seed's own state inside the output folder: the hidden folder `.bai-seed/` (mode 0700, never served, never
// bundled) with the lock of a run in progress and the journal of a switch in progress.
import { lstatSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'

export const STATE_DIR = OUTPUT_LAYOUT.stateDir
export const LOCK_FILE = 'lock'
export const JOURNAL_FILE = 'journal.json'

export function statePath(outDir: string, name?: string): string {
  return name ? join(outDir, STATE_DIR, name) : join(outDir, STATE_DIR)
}

/** Makes `.bai-seed/` (0700) when missing; refuses one that is not a real folder (a planted symlink). */
export function ensureStateDir(outDir: string): string {
  const dir = statePath(outDir)
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  const st = lstatSync(dir)
  if (!st.isDirectory()) throw new OutputError('OUTPUT', dir, 'is not a folder (a symbolic link?); bai-seed keeps its state there: remove it')
  return dir
}
