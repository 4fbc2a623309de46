// NoCloud seed ISOs for 100 rendered nodes from their cloud-init/ folders: our writer (one process, as in render)
// against a shell loop of cloud-localds, one call per node, on the same files.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { benchBin, binRun, workDir } from '../lib/paths.js'
import { runRounds, type Series } from '../lib/rounds.js'
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

const LOOP = `set -e
for node in "$1"/*/; do
  name=$(basename "$node")
  cloud-localds -N "$node/cloud-init/network-config" "$2/$name.iso" "$node/cloud-init/user-data" "$node/cloud-init/meta-data"
done`

function countIsos(dir: string, expected: number): () => void {
  return () => {
    const n = readdirSync(dir).filter((f) => f.endsWith('.iso')).length
    if (n !== expected) throw new Error(`${dir}: ${n} ISOs, expected ${expected}`)
  }
}

export function benchSeedIsos(nodes: number, runs: number, log: (line: string) => void): SeedIsoFigures {
  const rendered = join(workDir, `seed-src-${nodes}`)
  rmSync(rendered, { recursive: true, force: true })
  runTimed(process.execPath, [binRun, 'render', '-c', inventoryFile(nodes), '-o', rendered, '--no-iso'])
  const oursDir = join(workDir, 'seed-ours')
  const loopDir = join(workDir, 'seed-cloud-localds')
  const reset = (dir: string) => () => rmSync(dir, { recursive: true, force: true })
  log(`seed ISOs, ${nodes} nodes (cloud-init/ folders of ${rendered})`)
  const results = runRounds(
    [
      {
        name: 'bai-seed writer',
        prepare: reset(oursDir),
        run: () => runTimed(process.execPath, [benchBin('seed-isos'), rendered, oursDir]),
        check: countIsos(oursDir, nodes),
      },
      {
        name: 'cloud-localds loop',
        prepare: () => {
          reset(loopDir)()
          mkdirSync(loopDir)
        },
        run: () => runTimed('bash', ['-c', LOOP, 'loop', rendered, loopDir]),
        check: countIsos(loopDir, nodes),
      },
    ],
    runs,
    1,
    log,
  )
  const ours = results.get('bai-seed writer')!
  const cloudLocalds = results.get('cloud-localds loop')!
  return {
    nodes,
    ours,
    cloudLocalds,
    speedup: cloudLocalds.wallMs.median / ours.wallMs.median,
    oursMsPerIso: ours.wallMs.median / nodes,
    cloudLocaldsMsPerIso: cloudLocalds.wallMs.median / nodes,
  }
}
