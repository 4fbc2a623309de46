// External tools for system tests. A missing tool is a failure with a clear message, never a skip: CI installs them.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'

export function requireTool(name: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`system test needs '${name}' on PATH (.ci/run installs it with apt-get)`)
}

export function run(cmd: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 })
}
