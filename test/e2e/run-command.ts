// Runs the external tools of the e2e harness and turns a missing tool or a failure into a readable error.
import { spawnSync } from 'node:child_process'

export interface CommandResult {
  status: number
  stdout: Buffer
  stderr: string
}

/** Runs cmd synchronously; throws when it cannot be started or exits non-zero. */
export function runCommand(cmd: string, args: string[], opts: { cwd?: string; allowFailure?: boolean } = {}): CommandResult {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new Error(`${cmd} not found: the e2e test needs it on PATH (see .ci/run for the packages)`)
    throw r.error
  }
  const result = { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') }
  if (result.status !== 0 && !opts.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}:\n${result.stderr.trim()}`)
  }
  return result
}
