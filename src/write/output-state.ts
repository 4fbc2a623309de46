// bai-seed's own state inside the output folder: the hidden folder `.bai-seed/` (mode 0700, never served, never
// bundled) with the lock of a run in progress, the journal of a switch in progress, and every temporary file or
// folder of a run (`tmp-<pid>-<random>`: staging folders of renders and of the PXE tree, bundles and installer ISOs
// being written). Temporaries live nowhere else, so the next run removes exactly what a killed run left: the
// `tmp-<pid>-*` entries of processes that are gone, and nothing outside `.bai-seed/`.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import { OUTPUT_LAYOUT, STATE_TEMP_PREFIX } from '../model/output-layout.js'
import { PRIVATE_DIR } from './file-mode.js'

export const STATE_DIR = OUTPUT_LAYOUT.stateDir
export const LOCK_FILE = 'lock'
export const JOURNAL_FILE = 'journal.json'
const TEMP = new RegExp(`^${STATE_TEMP_PREFIX}(\\d+)-`)

export function statePath(outDir: string, name?: string): string {
  return name ? join(outDir, STATE_DIR, name) : join(outDir, STATE_DIR)
}

/** Makes `.bai-seed/` (0700) when missing; refuses one that is not a real folder (a planted symlink). */
export function ensureStateDir(outDir: string): string {
  const dir = statePath(outDir)
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  const st = lstatSync(dir)
  if (!st.isDirectory()) throw new OutputError('OUTPUT', dir, 'is not a folder (a symbolic link?); bai-seed keeps its state there: remove it')
  return dir
}

/** A new, empty temporary folder of this run in `.bai-seed/`; its path relative to the output folder. */
export function makeTempDir(outDir: string): string {
  ensureStateDir(outDir)
  const dir = mkdtempSync(join(statePath(outDir), `${STATE_TEMP_PREFIX}${process.pid}-`))
  return `${STATE_DIR}/${dir.slice(statePath(outDir).length + 1)}`
}

/** A path for a temporary file of this run in `.bai-seed/` that nobody can guess ahead (create it with O_EXCL). */
export function tempFilePath(outDir: string, suffix = ''): string {
  ensureStateDir(outDir)
  return statePath(outDir, `${STATE_TEMP_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}${suffix}`)
}

function running(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the temporaries of killed runs from `.bai-seed/` (never anything else); returns their names. */
export function removeStaleTemps(outDir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(statePath(outDir))
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const m = TEMP.exec(name)
    if (!m || running(Number(m[1]))) continue
    rmSync(statePath(outDir, name), { recursive: true, force: true })
    removed.push(`${STATE_DIR}/${name}`)
  }
  return removed.sort()
}
