// A node's state, derived from its events (the store keeps events, never states): what `bai-seed status` and the
// /status page show. The words are the issue's: pending (nothing heard yet), installing (the installer reports),
// provisioning (first boot: cloud-init or provision.sh), rebooting (a step asked for a reboot, or the install
// finished and the machine boots its disk), done, failed, and stalled: silent past the deadline of what it is doing
// (the step's expected duration, which provision.sh sends with each step's start; a reboot has its own).
import type { StoredEvent } from './report-event.js'
import type { NodeLog } from './event-log.js'

export const NODE_STATES = ['failed', 'stalled', 'installing', 'provisioning', 'rebooting', 'pending', 'done'] as const
export type NodeState = (typeof NODE_STATES)[number]

/** Deadlines when the event does not say (seconds). */
export const DEFAULT_DEADLINES = {
  /** Between two installer events (curtin reports every stage of a long package install). */
  installing: 30 * 60,
  /** Between events of a first boot when no step said how long it takes (cloud-init stages, between steps). */
  provisioning: 15 * 60,
  /** From a reboot request (or a finished install) to the next event. */
  rebooting: 15 * 60,
}

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped'

export interface NodeStatus {
  hostname: string
  state: NodeState
  /** The state before a stall (what the node was doing when it went silent). */
  stalledIn?: NodeState
  /** The current step, the failed one, or the last one. */
  step: string | null
  done: number
  total: number
  steps: { id: string; state: StepState; message?: string }[]
  /** First event (ISO) and last event (ISO), null when none. */
  started: string | null
  lastSeen: string | null
  /** When silence makes it `stalled` (ISO), for installing, provisioning and rebooting. */
  deadline: string | null
  message: string
  /** The run's status facts (GPU model, UUIDs, driver, CUDA ...), from the last run-result. */
  facts?: Record<string, unknown>
  /** Seq of the event carrying the newest log tail, when the node sent one. */
  logSeq?: number
  events: number
}

/** A deadline as the events set it: from an event's time, so many seconds (turned into an ISO time once, at the end). */
interface Deadline {
  from: string | null
  seconds: number
}

/** What the events alone say (no clock): cached per log while its event count is unchanged. */
const derived = new WeakMap<NodeLog, { events: number; logSeq: number | undefined; status: NodeStatus }>()

/**
 * The node's state at `now`: what its events say (computed once per new event and kept with the log: a status read
 * of a thousand nodes does not replay every event), then the clock: silent past its deadline, it is `stalled`.
 * The object returned may be the cached one: read it, never change it.
 */
export function deriveNode(hostname: string, log: NodeLog | undefined, now: Date): NodeStatus {
  let status: NodeStatus
  if (!log || log.events.length === 0) status = fromEvents(hostname, log)
  else {
    const cached = derived.get(log)
    if (cached && cached.events === log.events.length && cached.logSeq === log.lastLog?.seq && cached.status.hostname === hostname) status = cached.status
    else {
      status = fromEvents(hostname, log)
      derived.set(log, { events: log.events.length, logSeq: log.lastLog?.seq, status })
    }
  }
  if (!status.deadline || now.getTime() <= Date.parse(status.deadline)) return status
  return {
    ...status,
    stalledIn: status.state,
    state: 'stalled',
    message: `silent since ${status.lastSeen} (${status.state}${status.step ? ` ${status.step}` : ''}; deadline ${status.deadline})`,
  }
}

function fromEvents(hostname: string, log: NodeLog | undefined): NodeStatus {
  const st: NodeStatus = {
    hostname,
    state: 'pending',
    step: null,
    done: 0,
    total: 0,
    steps: [],
    started: null,
    lastSeen: null,
    deadline: null,
    message: '',
    events: log?.events.length ?? 0,
  }
  if (!log || log.events.length === 0) return st
  const steps = new Map<string, { id: string; state: StepState; message?: string }>()
  const setStep = (id: string, state: StepState, message?: string): void => {
    const s = steps.get(id) ?? { id, state }
    s.state = state
    if (message !== undefined) s.message = message
    else delete s.message
    steps.set(id, s)
  }
  st.started = log.events[0]!.at
  const deadline: Deadline = { from: null, seconds: 0 }
  for (const e of log.events) apply(st, e, deadline, steps, setStep)
  if (deadline.from !== null) st.deadline = new Date(Date.parse(deadline.from) + deadline.seconds * 1000).toISOString()
  st.lastSeen = log.events[log.events.length - 1]!.at
  st.steps = [...steps.values()]
  if (st.steps.length) {
    st.total = Math.max(st.total, st.steps.length)
    st.done = st.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length
  }
  if (log.lastLog) st.logSeq = log.lastLog.seq
  return st
}

function apply(
  st: NodeStatus,
  e: StoredEvent,
  deadline: Deadline,
  steps: Map<string, { id: string; state: StepState; message?: string }>,
  setStep: (id: string, state: StepState, message?: string) => void,
): void {
  const deadlineIn = (s: number): void => {
    deadline.from = e.at
    deadline.seconds = s
  }
  if (e.source !== 'bai-seed') {
    if (e.kind === 'installed') {
      st.state = 'rebooting'
      st.message = 'installed; booting the installed system'
      deadlineIn(DEFAULT_DEADLINES.rebooting)
      return
    }
    if (st.state === 'done' || st.state === 'failed') return
    if (e.source === 'installer') {
      st.state = 'installing'
      st.step = 'install'
      if (e.kind === 'finish' && e.result === 'FAIL') {
        st.state = 'failed'
        st.message = `install failed: ${e.name}${e.message ? `: ${e.message}` : ''}`
        deadline.from = null
        return
      }
      st.message = e.message ?? e.name ?? ''
      deadlineIn(DEFAULT_DEADLINES.installing)
      return
    }
    // cloud-init: the first boot has started (a FAIL of one module is noted; provision.sh decides the outcome).
    if (st.state !== 'provisioning' || st.step === null || st.step === 'cloud-init') {
      st.state = 'provisioning'
      st.step ??= 'cloud-init'
    }
    if (e.kind === 'finish' && e.result === 'FAIL') st.message = `cloud-init: ${e.name} failed${e.message ? `: ${e.message}` : ''}`
    deadlineIn(DEFAULT_DEADLINES.provisioning)
    return
  }
  switch (e.kind) {
    case 'run-start':
    case 'resume':
      st.state = 'provisioning'
      if (e.steps) {
        steps.clear()
        for (const id of e.steps) setStep(id, 'pending')
        st.total = e.steps.length
      }
      st.message = e.kind === 'resume' ? 'resumed after the reboot' : 'run started'
      deadlineIn(DEFAULT_DEADLINES.provisioning)
      return
    case 'step-start':
      st.state = 'provisioning'
      st.step = e.name!
      setStep(e.name!, 'running')
      st.message = e.message ?? ''
      deadlineIn(e.expect ?? DEFAULT_DEADLINES.provisioning)
      return
    case 'step-done':
    case 'step-already-done':
      setStep(e.name!, 'done', e.message)
      st.step = e.name!
      if (st.state !== 'rebooting') deadlineIn(DEFAULT_DEADLINES.provisioning)
      return
    case 'step-skipped':
      setStep(e.name!, 'skipped', e.message)
      return
    case 'step-failed':
      setStep(e.name!, 'failed', e.message)
      st.state = 'failed'
      st.step = e.name!
      st.message = e.message ?? 'failed'
      deadline.from = null
      return
    case 'reboot':
      st.state = 'rebooting'
      st.message = e.message ? `rebooting to ${e.message}` : 'rebooting'
      deadlineIn(e.expect ?? DEFAULT_DEADLINES.rebooting)
      return
    case 'run-result':
      if (e.facts) st.facts = e.facts
      if (e.total !== undefined) st.total = e.total
      if (e.result === 'complete' || e.result === 'partial') {
        st.state = 'done'
        deadline.from = null
        st.message = e.result === 'partial' ? 'partial run finished (--only/--skip)' : (e.message ?? 'complete')
      } else if (e.result === 'failed') {
        st.state = 'failed'
        deadline.from = null
        // The failed step's message stays.
        if (!st.message) st.message = e.message ?? 'the run failed'
      } else if (e.result === 'reboot') {
        if (st.state !== 'rebooting') {
          st.state = 'rebooting'
          deadlineIn(e.expect ?? DEFAULT_DEADLINES.rebooting)
        }
      }
      return
  }
  void steps
}
