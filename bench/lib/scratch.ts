// Output folders of the runs: all under one scratch folder of the benchmark's own, made new (mkdtemp) inside the
// folder --scratch names (bench/work by default), and removed (only it) when the benchmark ends. The folder --scratch
// names is never emptied or removed: it may be /dev/shm or a home folder holding other programs' files.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { workDir } from './paths.js'

let parent = workDir
let root: string | undefined

/** The folder --scratch names; the benchmark's own folder is made inside it. */
export function setScratchParent(dir: string): void {
  parent = dir
  root = undefined
}

/** The benchmark's own scratch folder (`<parent>/bai-seed-bench-XXXXXX`), made on first use. */
export function scratchRoot(): string {
  if (!root) {
    mkdirSync(parent, { recursive: true })
    root = mkdtempSync(join(parent, 'bai-seed-bench-'))
  }
  return root
}

/** A path under the scratch folder for one run's output. */
export function outputDir(name: string): string {
  return join(scratchRoot(), name)
}

/** Removes the benchmark's own scratch folder, nothing else. */
export function removeScratch(): void {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
}
