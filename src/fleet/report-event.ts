// What a node posts to `bai-seed serve` (POST /report/<hostname>/<token>, report-route.ts), in two shapes on one
// endpoint, because cloud-init's and subiquity's webhook handlers take only an endpoint URL:
// - the webhook event of cloud-init, subiquity and curtin: {event_type: start|finish, name, description, origin,
//   timestamp, result (finish only: SUCCESS|WARN|FAIL), files (curtin's post_files, dropped here)};
// - provision.sh's own events (templates/script/lib.sh.hbs, `report`): {origin: "bai-seed", kind, ...}, the kinds
//   below;
// - an empty body: the installer's late-command reporting its finished install (report-installed.ts).
// parseReport validates a body and turns it into the one record the store keeps (StoredEvent): only known fields,
// each with its type and a length cap, so nothing a node sends is kept as it came.

/** Largest request body accepted (a failed step's log tail is the largest part). */
export const MAX_EVENT_BYTES = 64 * 1024
/** Largest log tail (gzip+base64 text) an event may carry. */
export const MAX_LOG_CHARS = 48 * 1024
/** Longest kept text field (names, messages). */
const MAX_TEXT = 2000
/** Most keys of the status facts an event may carry, and the longest JSON text of them. */
const MAX_FACTS_JSON = 8 * 1024

/** provision.sh's event kinds. */
export const SCRIPT_KINDS = [
  'run-start',
  'step-start',
  'step-done',
  'step-failed',
  'step-already-done',
  'step-skipped',
  'reboot',
  'resume',
  'run-result',
] as const
export type ScriptKind = (typeof SCRIPT_KINDS)[number]

export type EventSource = 'installer' | 'cloud-init' | 'bai-seed'

export interface StoredEvent {
  /** Order within the node's log, from 1. */
  seq: number
  /** When the server received it (ISO 8601, ms): the clock the states and deadlines use. */
  at: string
  source: EventSource
  /** provision.sh kinds; `installed` for the installer's finished install; `start`/`finish` for webhook events. */
  kind: ScriptKind | 'installed' | 'start' | 'finish'
  /** Webhook event name (e.g. `init-network/config-ssh`, `subiquity/Install/install`) or the step id. */
  name?: string
  message?: string
  /** Webhook `result`, or the run's result (complete, failed, reboot, partial). */
  result?: string
  /** The node's own clock, as it said (not trusted for ordering). */
  nodeTime?: string
  /** Seconds the step (or the reboot) is expected to take: the stall deadline. */
  expect?: number
  /** run-start: the steps of the run, in order. */
  steps?: string[]
  /** step-*: steps done so far / of the run. */
  done?: number
  total?: number
  /** step-failed: the tail of the log, gzip+base64. */
  log?: string
  /** run-result: the node's status facts (status.json's `facts`: GPU model, UUIDs, driver/CUDA ...). */
  facts?: Record<string, unknown>
}

export type ParsedReport = { ok: true; event: Omit<StoredEvent, 'seq' | 'at'> } | { ok: false; reason: string }

const STEP_ID = /^[a-z0-9][a-z0-9-]{0,63}$/

function text(v: unknown, max = MAX_TEXT): string | undefined {
  if (typeof v !== 'string') return undefined
  // Control characters out (the CLI prints these on a terminal).
  const clean = v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

function seconds(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 7 * 24 * 3600 ? Math.round(v) : undefined
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10_000 ? v : undefined
}

function nodeTimeOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1e11) return new Date(v * 1000).toISOString()
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT[0-9:.]+Z$/.test(v)) return v
  return undefined
}

function without<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o
}

/** Parses and validates a report body (raw bytes). */
export function parseReport(body: Buffer): ParsedReport {
  if (body.length > MAX_EVENT_BYTES) return { ok: false, reason: `event larger than ${MAX_EVENT_BYTES} bytes` }
  if (body.length === 0 || body.toString('latin1').trim() === '') return { ok: true, event: { source: 'installer', kind: 'installed' } }
  let data: unknown
  try {
    data = JSON.parse(body.toString('utf8'))
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'not a JSON object' }
  const d = data as Record<string, unknown>
  if (d.origin === 'bai-seed') return parseScriptEvent(d)
  if (d.event_type === 'start' || d.event_type === 'finish') {
    const name = text(d.name, 300)
    if (!name) return { ok: false, reason: 'webhook event without a name' }
    const origin = typeof d.origin === 'string' ? d.origin : ''
    const source: EventSource = origin === 'cloudinit' ? 'cloud-init' : 'installer'
    const result = d.event_type === 'finish' ? text(d.result, 20) : undefined
    if (result !== undefined && !['SUCCESS', 'WARN', 'FAIL'].includes(result)) return { ok: false, reason: 'webhook result not SUCCESS, WARN or FAIL' }
    return { ok: true, event: without({ source, kind: d.event_type, name, message: text(d.description), result, nodeTime: nodeTimeOf(d.timestamp) }) }
  }
  return { ok: false, reason: 'neither a webhook event (event_type start/finish) nor a bai-seed event (origin "bai-seed")' }
}

function parseScriptEvent(d: Record<string, unknown>): ParsedReport {
  const kind = d.kind
  if (typeof kind !== 'string' || !(SCRIPT_KINDS as readonly string[]).includes(kind)) return { ok: false, reason: `unknown kind ${JSON.stringify(String(kind)).slice(0, 40)}` }
  const k = kind as ScriptKind
  const event: Omit<StoredEvent, 'seq' | 'at'> = { source: 'bai-seed', kind: k }
  if (k.startsWith('step-')) {
    if (typeof d.step !== 'string' || !STEP_ID.test(d.step)) return { ok: false, reason: 'step event without a valid step id' }
    event.name = d.step
  }
  if (k === 'run-start') {
    if (!Array.isArray(d.steps) || d.steps.length > 200 || !d.steps.every((s) => typeof s === 'string' && STEP_ID.test(s))) {
      return { ok: false, reason: 'run-start without a valid list of step ids' }
    }
    event.steps = d.steps as string[]
  }
  if (d.log !== undefined) {
    if (typeof d.log !== 'string' || d.log.length > MAX_LOG_CHARS || !/^[A-Za-z0-9+/=]*$/.test(d.log)) return { ok: false, reason: `log not base64 of at most ${MAX_LOG_CHARS} characters` }
    event.log = d.log
  }
  if (d.facts !== undefined) {
    if (typeof d.facts !== 'object' || d.facts === null || Array.isArray(d.facts) || JSON.stringify(d.facts).length > MAX_FACTS_JSON) {
      return { ok: false, reason: `facts not an object of at most ${MAX_FACTS_JSON} bytes` }
    }
    event.facts = d.facts as Record<string, unknown>
  }
  Object.assign(event, without({ message: text(d.message), result: text(d.result, 20), nodeTime: nodeTimeOf(d.time), expect: seconds(d.expect), done: count(d.done), total: count(d.total) }))
  return { ok: true, event }
}
