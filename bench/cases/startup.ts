// Start-up: `bai-seed --version` and `bai-seed validate -c examples/cluster.yaml` against `node -e 0`, the floor any
// Node program pays. Timed without time(1) in between (a few milliseconds matter here), many short runs.
import { binRun, exampleInventory, repoRoot } from '../lib/paths.js'
import { spread, type Spread } from '../lib/stats.js'
import { runWall } from '../lib/timed-run.js'

export interface StartupFigures {
  wallMs: Record<string, Spread>
  /** command median / `node -e 0` median. */
  ratios: Record<string, number>
}

export const NODE_FLOOR = 'node -e 0'

export function benchStartup(runs: number, log: (line: string) => void): StartupFigures {
  const commands: Array<[string, string[]]> = [
    [NODE_FLOOR, ['-e', '0']],
    ['bai-seed --version', [binRun, '--version']],
    ['bai-seed validate -c examples/cluster.yaml', [binRun, 'validate', '-c', exampleInventory]],
  ]
  log(`start-up, ${runs} runs each, interleaved`)
  const samples = new Map<string, number[]>(commands.map(([name]) => [name, []]))
  for (let round = -3; round < runs; round++) {
    for (const [name, args] of commands) {
      const ms = runWall(process.execPath, args, { cwd: repoRoot })
      if (round >= 0) samples.get(name)!.push(ms)
    }
  }
  const wallMs: Record<string, Spread> = {}
  for (const [name, s] of samples) wallMs[name] = spread(s)
  const floor = wallMs[NODE_FLOOR]!.median
  const ratios: Record<string, number> = {}
  for (const [name] of commands.slice(1)) ratios[name] = wallMs[name]!.median / floor
  for (const [name, s] of Object.entries(wallMs)) log(`  ${name}: median ${s.median.toFixed(1)} ms (${s.min.toFixed(1)}-${s.max.toFixed(1)})`)
  return { wallMs, ratios }
}
