// Runs the real CLI (bin/run.js) as a child process, as a user would.
import { spawnSync } from 'node:child_process'
import { binRun, repoRoot } from './repo.js'

export interface CliResult {
  status: number
  stdout: string
  stderr: string
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [binRun, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env },
  })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
