// Repeated runs of several contestants, interleaved round by round (a, b, c, a, b, c ...) so that a change in the
// machine's load hits all of them alike instead of whichever happened to run at that moment.
import type { TimedRun } from './timed-run.js'
import { spread, type Spread } from './stats.js'

export interface Contestant {
  name: string
  /** Untimed set-up before every run (remove the previous output, flush dirty pages). */
  prepare?: () => void
  run: () => TimedRun
  /** Untimed check after a run; throws when the run did not produce what it should. */
  check?: () => void
  /** Runs in the first `runs` rounds only (default: every round): slow contestants run fewer times. */
  runs?: number
  /** Takes no part in the warm-up rounds. */
  noWarmup?: boolean
}

export interface Series {
  wallMs: Spread
  maxRssKiB: Spread
  cpuMs: Spread
  samples: TimedRun[]
}

export function summarize(samples: TimedRun[]): Series {
  return {
    wallMs: spread(samples.map((s) => s.wallMs)),
    maxRssKiB: spread(samples.map((s) => s.maxRssKiB)),
    cpuMs: spread(samples.map((s) => s.userMs + s.sysMs)),
    samples,
  }
}

export function runRounds(contestants: Contestant[], rounds: number, warmups = 0, log?: (line: string) => void): Map<string, Series> {
  const samples = new Map<string, TimedRun[]>(contestants.map((c) => [c.name, []]))
  for (let round = -warmups; round < rounds; round++) {
    for (const c of contestants) {
      if (round < 0 ? c.noWarmup : c.runs !== undefined && round >= c.runs) continue
      c.prepare?.()
      const result = c.run()
      c.check?.()
      if (round >= 0) samples.get(c.name)!.push(result)
      log?.(`  ${round < 0 ? 'warm-up' : `run ${round + 1}/${rounds}`} ${c.name}: ${(result.wallMs / 1000).toFixed(3)} s, ${Math.round(result.maxRssKiB / 1024)} MiB`)
    }
  }
  return new Map([...samples].map(([name, s]) => [name, summarize(s)]))
}
