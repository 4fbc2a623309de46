// Output folders of the runs: all under one scratch folder (bench/work/out unless --scratch says otherwise), each
// new, all removed together when the benchmark ends.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { workDir } from './paths.js'

let root = join(workDir, 'out')

export function setScratchRoot(dir: string): void {
  root = dir
}

export function scratchRoot(): string {
  return root
}

/** A path under the scratch folder, emptied at the start of the benchmark, for one run's output. */
export function outputDir(name: string): string {
  mkdirSync(root, { recursive: true })
  return join(root, name)
}

export function removeScratch(): void {
  rmSync(root, { recursive: true, force: true })
}
