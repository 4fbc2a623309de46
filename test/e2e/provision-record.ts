// The provisioning script's own record on the guest disk: /var/log/bai-seed.log (one timestamped line per event, with
// command output in between) and /var/lib/bai-seed/status.json.
import type { GuestDisk } from './guest-disk.js'

export const provisionLogPath = '/var/log/bai-seed.log'
export const provisionStatusPath = '/var/lib/bai-seed/status.json'

export interface LogEvent {
  /** ISO 8601 UTC, seconds precision. */
  time: string
  step: string
  message: string
}

export interface StepStatus {
  id: string
  title: string
  network: boolean
  state: 'done' | 'failed' | 'pending' | 'running' | 'skipped'
  started: string | null
  finished: string | null
  duration: number | null
  message: string
}

export interface ProvisionStatus {
  format: number
  node: string
  updated: string
  run: { started: string; finished: string | null; result: string }
  steps: StepStatus[]
}

export const isoUtc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const eventLine = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \[([a-z0-9-]+)\] (.*)$/

/** The event lines of the log, in order; lines of command output in between are left out. */
export function parseProvisionLog(text: string): LogEvent[] {
  const events: LogEvent[] = []
  for (const line of text.split('\n')) {
    const m = eventLine.exec(line)
    if (m) events.push({ time: m[1], step: m[2], message: m[3] })
  }
  return events
}

/** The log cut into runs, each starting at a `[run] start` event. */
export function provisionRuns(events: LogEvent[]): LogEvent[][] {
  const runs: LogEvent[][] = []
  for (const e of events) {
    if (e.step === 'run' && e.message.startsWith('start')) runs.push([])
    runs.at(-1)?.push(e)
  }
  return runs
}

export function readProvisionRecord(disk: GuestDisk): { log: string; events: LogEvent[]; status: ProvisionStatus } {
  const log = disk.readFile(provisionLogPath)
  const status = JSON.parse(disk.readFile(provisionStatusPath)) as ProvisionStatus
  return { log, events: parseProvisionLog(log), status }
}
