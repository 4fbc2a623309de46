// `bai-seed plan --json` of a large synthetic inventory (output to /dev/null): wall time and peak RSS. The plan is
// streamed node by node, so memory should not follow the ~170 MB of JSON that 10,000 nodes make.
import { binRun } from '../lib/paths.js'
import { runRounds, type Series } from '../lib/rounds.js'
import { runTimed } from '../lib/timed-run.js'
import { inventoryFile } from './render.js'

export interface PlanJsonFigures {
  nodes: number
  series: Series
}

export function benchPlanJson(nodes: number, runs: number, log: (line: string) => void): PlanJsonFigures {
  const inventory = inventoryFile(nodes)
  log(`plan --json, ${nodes} nodes`)
  const series = runRounds([{ name: 'plan', run: () => runTimed(process.execPath, [binRun, 'plan', '--json', '-c', inventory]) }], runs, 0, log).get('plan')!
  return { nodes, series }
}
