// Full render through the real CLI (`node bin/run.js render`): every text artifact, both seed ISOs per node and
// manifest.json, for synthetic inventories of several sizes, interleaved round by round. Each run renders into a new folder, and the folders
// are removed only when the whole benchmark is over: on ext4 without a journal, files created soon after many
// were deleted cost far more (see lib/machine.ts), and a run should not pay for the clean-up of the one before.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { binRun, workDir } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { runRounds, type Contestant, type Series } from '../lib/rounds.js'
import { runTimed } from '../lib/timed-run.js'
import { syntheticInventory } from '../lib/synthetic-inventory.js'

export interface RenderFigures {
  nodes: number
  series: Series
  nodesPerSecond: number
  files: number
  bytes: number
  isos: number
  /** From COMPARE_FROM nodes on: the same render with one render thread (BAI_SEED_THREADS=1), in the same rounds. */
  oneThread?: Series
  /** From COMPARE_FROM nodes on: `cp -r` of the folder this round's render wrote, right after it (same rounds). */
  copy?: Series
}

/** Sizes from which the one-thread render and the `cp -r` of the output run beside the render. */
export const COMPARE_FROM = 1000

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

/**
 * Renders of every size in the same rounds (10, 100, 1,000, 10,000, 10, 100, ...), so that the ratios between
 * sizes (10,000 against 1,000 nodes) come from runs under the same load; `extra` contestants (the seed ISO writers
 * that the 1,000-node render is compared with) join the same rounds. Sizes from `largeFrom` on run `largeRuns`
 * times and take no part in the warm-up round: a 10,000-node render takes a minute.
 */
export function benchRenders(
  sizes: number[],
  runs: number,
  largeRuns: number,
  largeFrom: number,
  log: (line: string) => void,
  extra: Contestant[] = [],
): { figures: RenderFigures[]; results: Map<string, Series> } {
  const inventories = new Map(sizes.map((n) => [n, inventoryFile(n)]))
  const lastOut = new Map<number, string>()
  let run = 0
  log(`render, ${sizes.join(', ')} nodes, interleaved (${join(workDir, 'inventories')})`)
  const renders: Contestant[] = sizes.map((nodes) => ({
    name: `render ${nodes}`,
    runs: nodes >= largeFrom ? largeRuns : runs,
    noWarmup: nodes >= largeFrom,
    prepare: () => {
      lastOut.set(nodes, outputDir(`render-${nodes}-${run++}`))
      // The previous run's output is still being written back to disk: let that finish first (untimed).
      spawnSync('sync')
    },
    run: () => runTimed(process.execPath, [binRun, 'render', '-c', inventories.get(nodes)!, '-o', lastOut.get(nodes)!]),
    check: () => {
      const files = readManifest(lastOut.get(nodes)!)
      const isos = files.filter((f) => f.path.endsWith('.iso')).length
      if (files.length === 0) throw new Error(`render of ${nodes} nodes listed no files`)
      if (isos !== 0 && isos !== 2 * nodes) throw new Error(`render of ${nodes} nodes wrote ${isos} ISOs, expected ${2 * nodes}`)
    },
  }))
  // Side by side with the render of each large size, in the same rounds: one render thread, and `cp -r` of the folder
  // the render just wrote (what only copying its bytes and files costs on this disk).
  const contestants: Contestant[] = []
  for (const [i, nodes] of sizes.entries()) {
    contestants.push(renders[i]!)
    if (nodes < COMPARE_FROM) continue
    const large = nodes >= largeFrom
    let oneOut = ''
    contestants.push({
      name: `render ${nodes} 1 thread`,
      runs: large ? largeRuns : runs,
      noWarmup: large,
      prepare: () => {
        oneOut = outputDir(`render1-${nodes}-${run++}`)
        spawnSync('sync')
      },
      run: () => runTimed(process.execPath, [binRun, 'render', '-c', inventories.get(nodes)!, '-o', oneOut], { env: { ...process.env, BAI_SEED_THREADS: '1' } }),
    })
    let copyOut = ''
    contestants.push({
      name: `cp -r ${nodes}`,
      runs: large ? largeRuns : runs,
      noWarmup: large,
      prepare: () => {
        copyOut = outputDir(`copy-${nodes}-${run++}`)
        spawnSync('sync')
      },
      run: () => runTimed('cp', ['-r', lastOut.get(nodes)!, copyOut]),
    })
  }
  const results = runRounds([...contestants, ...extra], Math.max(runs, largeRuns), 1, log)
  const figures = sizes.map((nodes) => {
    const series = results.get(`render ${nodes}`)!
    const files = readManifest(lastOut.get(nodes)!)
    return {
      nodes,
      series,
      nodesPerSecond: nodes / (series.wallMs.median / 1000),
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      isos: files.filter((f) => f.path.endsWith('.iso')).length,
      ...(nodes >= COMPARE_FROM ? { oneThread: results.get(`render ${nodes} 1 thread`)!, copy: results.get(`cp -r ${nodes}`)! } : {}),
    }
  })
  return { figures, results }
}
