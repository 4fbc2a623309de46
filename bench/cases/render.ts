// Full render through the real CLI (`node bin/run.js render`): every text artifact, both seed ISOs per node and
// manifest.json, for synthetic inventories of several sizes. Each run renders into a new folder, and the folders
// are removed only when the whole benchmark is over: on ext4 without a journal, files created soon after many
// were deleted cost far more (see lib/machine.ts), and a run should not pay for the clean-up of the one before.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { binRun, workDir } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { runRounds, type Series } from '../lib/rounds.js'
import { runTimed } from '../lib/timed-run.js'
import { syntheticInventory } from '../lib/synthetic-inventory.js'

export interface RenderFigures {
  nodes: number
  series: Series
  nodesPerSecond: number
  files: number
  bytes: number
  isos: number
}

export function inventoryFile(nodes: number): string {
  const dir = join(workDir, 'inventories')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `cluster-${nodes}.yaml`)
  writeFileSync(file, syntheticInventory(nodes))
  return file
}

interface ManifestFile {
  path: string
  size: number
}

function readManifest(outDir: string): ManifestFile[] {
  const path = join(outDir, 'manifest.json')
  if (!existsSync(path)) throw new Error(`render wrote no ${path}`)
  return (JSON.parse(readFileSync(path, 'utf8')) as { files: ManifestFile[] }).files
}

/** `warmups`: untimed runs first (none for the largest sizes, which take minutes). */
export function benchRender(nodes: number, runs: number, log: (line: string) => void, warmups = 1): RenderFigures {
  const inventory = inventoryFile(nodes)
  let run = 0
  let outDir = ''
  log(`render, ${nodes} nodes (${inventory})`)
  const series = runRounds(
    [
      {
        name: `render ${nodes}`,
        prepare: () => {
          outDir = outputDir(`render-${nodes}-${run++}`)
          // The previous run's output is still being written back to disk: let that finish first (untimed).
          spawnSync('sync')
        },
        run: () => runTimed(process.execPath, [binRun, 'render', '-c', inventory, '-o', outDir]),
        check: () => {
          const files = readManifest(outDir)
          const isos = files.filter((f) => f.path.endsWith('.iso')).length
          if (files.length === 0) throw new Error(`render of ${nodes} nodes listed no files`)
          if (isos !== 0 && isos !== 2 * nodes) throw new Error(`render of ${nodes} nodes wrote ${isos} ISOs, expected ${2 * nodes}`)
        },
      },
    ],
    runs,
    warmups,
    log,
  ).get(`render ${nodes}`)!
  const files = readManifest(outDir)
  return {
    nodes,
    series,
    nodesPerSecond: nodes / (series.wallMs.median / 1000),
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    isos: files.filter((f) => f.path.endsWith('.iso')).length,
  }
}
