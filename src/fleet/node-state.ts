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

const plus = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString()

export function deriveNode(hostname: string, log: NodeLog | undefined, now: Date): NodeStatus {
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
  for (const e of log.events) apply(st, e, steps, setStep)
  st.lastSeen = log.events[log.events.length - 1]!.at
  st.steps = [...steps.values()]
  if (st.steps.length) {
    st.total = Math.max(st.total, st.steps.length)
    st.done = st.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length
  }
  if (log.lastLog) st.logSeq = log.lastLog.seq
  if (st.deadline && now.getTime() > Date.parse(st.deadline)) {
    st.stalledIn = st.state
    st.state = 'stalled'
    st.message = `silent since ${st.lastSeen} (${st.stalledIn}${st.step ? ` ${st.step}` : ''}; deadline ${st.deadline})`
  }
  return st
}

function apply(
  st: NodeStatus,
  e: StoredEvent,
  steps: Map<string, { id: string; state: StepState; message?: string }>,
  setStep: (id: string, state: StepState, message?: string) => void,
): void {
  const deadlineIn = (s: number): void => {
    st.deadline = plus(e.at, s)
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
        st.deadline = null
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
      st.deadline = null
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
        st.deadline = null
        st.message = e.result === 'partial' ? 'partial run finished (--only/--skip)' : (e.message ?? 'complete')
      } else if (e.result === 'failed') {
        st.state = 'failed'
        st.deadline = null
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
