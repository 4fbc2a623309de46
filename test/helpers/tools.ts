// External tools for system tests. A missing tool is a failure with a clear message, never a skip: CI installs them.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'

export function requireTool(name: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`system test needs '${name}' on PATH (.ci/run installs it with apt-get)`)
}

export function run(cmd: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 })
}

/**
 * Material a suite needs that is not in the repository (upstream schemas). Outside CI a suite without it is skipped
 * and says why (the runner counts and prints it); in CI (CI=true) it must run, so a missing piece is a failure.
 * Returns the reason to skip, or undefined when the suite runs.
 */
export function requireMaterial(missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined
  const reason = missing.join('; ')
  if (process.env.CI === 'true') throw new Error(`CI=true: this suite must run, but ${reason}`)
  process.stdout.write(`skip: ${reason}\n`)
  return reason
}
