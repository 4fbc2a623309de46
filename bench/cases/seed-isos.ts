// NoCloud seed ISOs for 100 rendered nodes from their cloud-init/ folders: our writer (one process, as in render)
// against a shell loop of cloud-localds, one call per node, on the same files.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { benchBin, binRun } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { runRounds, type Contestant, type Series } from '../lib/rounds.js'
import { runTimed } from '../lib/timed-run.js'
import { inventoryFile } from './render.js'

export interface SeedIsoFigures {
  nodes: number
  ours: Series
  cloudLocalds: Series
  /** cloud-localds loop time / our time (medians): how many times faster we are. */
  speedup: number
  oursMsPerIso: number
  cloudLocaldsMsPerIso: number
}

const OURS_SEED = 'bai-seed writer (seed ISOs)'
const LOOP = 'cloud-localds loop'
const LOOP_SCRIPT = `set -e
for node in "$1"/*/; do
  name=$(basename "$node")
  cloud-localds -N "$node/cloud-init/network-config" "$2/$name.iso" "$node/cloud-init/user-data" "$node/cloud-init/meta-data"
done`

function countIsos(dir: string, expected: number): void {
  const n = readdirSync(dir).filter((f) => f.endsWith('.iso')).length
  if (n !== expected) throw new Error(`${dir}: ${n} ISOs, expected ${expected}`)
}

/** The two contestants (made ready: the rendered folder they read) and how their results become the figures. */
export interface SeedIsoCase {
  contestants: Contestant[]
  figures: (results: Map<string, Series>) => SeedIsoFigures
}

export function seedIsoCase(nodes: number, log: (line: string) => void): SeedIsoCase {
  const rendered = outputDir(`seed-src-${nodes}`)
  runTimed(process.execPath, [binRun, 'render', '-c', inventoryFile(nodes), '-o', rendered, '--no-iso'])
  // A new folder per run, removed at the end of the benchmark (see render.ts on why).
  let run = 0
  let oursDir = ''
  let loopDir = ''
  log(`seed ISOs, ${nodes} nodes (cloud-init/ folders of ${rendered})`)
  const contestants: Contestant[] = [
    {
      name: OURS_SEED,
      prepare: () => {
        oursDir = outputDir(`seed-ours-${run}`)
        spawnSync('sync')
      },
      run: () => runTimed(process.execPath, [benchBin('seed-isos'), rendered, oursDir]),
      check: () => countIsos(oursDir, nodes),
    },
    {
      name: LOOP,
      prepare: () => {
        loopDir = outputDir(`seed-cloud-localds-${run++}`)
        mkdirSync(loopDir)
        spawnSync('sync')
      },
      run: () => runTimed('bash', ['-c', LOOP_SCRIPT, 'loop', rendered, loopDir]),
      check: () => countIsos(loopDir, nodes),
    },
  ]
  return {
    contestants,
    figures: (results) => {
      const ours = results.get(OURS_SEED)!
      const cloudLocalds = results.get(LOOP)!
      return {
        nodes,
        ours,
        cloudLocalds,
        speedup: cloudLocalds.wallMs.median / ours.wallMs.median,
        oursMsPerIso: ours.wallMs.median / nodes,
        cloudLocaldsMsPerIso: cloudLocalds.wallMs.median / nodes,
      }
    },
  }
}

/** On their own: interleaved with each other only (run.ts puts them in the renders' rounds when both run). */
export function benchSeedIsos(nodes: number, runs: number, log: (line: string) => void): SeedIsoFigures {
  const c = seedIsoCase(nodes, log)
  return c.figures(runRounds(c.contestants, runs, 1, log))
}
