// Measured durations of the e2e stage, printed and appended to <cache>/work/timings.txt (the runner shows a test's
// output only when it fails; the file keeps them for the CI log and the budget).
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { e2eCacheDir } from './e2e-paths.js'

export function recordTiming(label: string, seconds: number): void {
  const line = `${new Date().toISOString()} ${label}: ${seconds.toFixed(1)} s`
  const dir = join(e2eCacheDir(), 'work')
  mkdirSync(dir, { recursive: true })
  appendFileSync(join(dir, 'timings.txt'), `${line}\n`)
  process.stdout.write(`e2e timing: ${line}\n`)
}
