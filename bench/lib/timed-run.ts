// Runs a command once under /usr/bin/time -v: wall time from our own clock (time(1) rounds to 10 ms), peak RSS,
// user and system CPU from time(1)'s report, which covers the command and every child it waited for.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { workDir } from './paths.js'

export const TIME_BIN = '/usr/bin/time'

export interface TimedRun {
  wallMs: number
  maxRssKiB: number
  userMs: number
  sysMs: number
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
}

function field(report: string, label: string): number {
  const m = new RegExp(`^\\s*${label}: (.+)$`, 'm').exec(report)
  if (!m) throw new Error(`time(1) report has no "${label}":\n${report}`)
  return Number(m[1])
}

export function runTimed(cmd: string, args: string[], opts: RunOptions = {}): TimedRun {
  const statsFile = join(workDir, `.time-${process.pid}.txt`)
  const started = process.hrtime.bigint()
  const r = spawnSync(TIME_BIN, ['-v', '-o', statsFile, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
    encoding: 'utf8',
  })
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  if (r.error) throw r.error
  const report = readFileSync(statsFile, 'utf8')
  rmSync(statsFile, { force: true })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-4000)}`)
  return {
    wallMs,
    maxRssKiB: field(report, 'Maximum resident set size \\(kbytes\\)'),
    userMs: field(report, 'User time \\(seconds\\)') * 1000,
    sysMs: field(report, 'System time \\(seconds\\)') * 1000,
  }
}

/** Wall time only, without time(1) in between: for start-up, where a few milliseconds matter. */
export function runWall(cmd: string, args: string[], opts: RunOptions = {}): number {
  const started = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] })
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${String(r.stderr).slice(-4000)}`)
  return wallMs
}
