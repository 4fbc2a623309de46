// Paths of the benchmark, found from this file's location (dist/bench/lib/paths.js), never from the working directory.
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const binRun = join(repoRoot, 'bin', 'run.js')
export const exampleInventory = join(repoRoot, 'examples', 'cluster.yaml')
/** Scratch space (git-ignored): inventories, outputs, the 1 GiB payload. */
export const workDir = join(repoRoot, 'bench', 'work')
export const resultsFile = join(repoRoot, 'bench', 'results.json')
/** Small entry points of the benchmark itself, compiled next to this folder. */
export const benchBin = (name: string): string => join(repoRoot, 'dist', 'bench', `${name}.js`)
