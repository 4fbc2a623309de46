// States from events: table-driven, one row per story a node can tell, with the clock given.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { deriveNode, type NodeState } from '../../src/fleet/node-state.js'
import { parseReport, type StoredEvent } from '../../src/fleet/report-event.js'
import { fleetView, fleetViewJson, fleetExit, summaryLine } from '../../src/fleet/fleet-view.js'
import { fleetText, GROUP_AT } from '../../src/fleet/status-text.js'
import type { NodeLog } from '../../src/fleet/event-log.js'

const T0 = Date.parse('2026-12-01T10:00:00Z')

/** A node log from (seconds after T0, body) pairs, parsed as the server parses them. */
function logOf(...items: Array<[number, string | Record<string, unknown>]>): NodeLog {
  const events: StoredEvent[] = items.map(([s, body], i) => {
    const parsed = parseReport(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)))
    if (!parsed.ok) throw new Error(parsed.reason)
    return { seq: i + 1, at: new Date(T0 + s * 1000).toISOString(), ...parsed.event } as StoredEvent
  })
  return { events, bytes: 0 }
}
const b = (kind: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ origin: 'bai-seed', kind, ...more })
const at = (s: number): Date => new Date(T0 + s * 1000)

const ROWS: Array<[string, NodeLog | undefined, number, NodeState, string | null, string, RegExp?]> = [
  ['nothing heard', undefined, 0, 'pending', null, '0/0'],
  ['installer reporting', logOf([0, { event_type: 'start', name: 'subiquity/Install/install', origin: 'curtin' }]), 60, 'installing', 'install', '0/0'],
  ['installer failed', logOf([0, { event_type: 'start', name: 'subiquity/Install', origin: 'curtin' }], [9, { event_type: 'finish', name: 'subiquity/Install', origin: 'curtin', result: 'FAIL', description: 'curtin failed' }]), 10, 'failed', 'install', '0/0', /install failed/],
  ['install finished (empty POST)', logOf([0, { event_type: 'start', name: 'subiquity/Install', origin: 'curtin' }], [60, '']), 70, 'rebooting', 'install', '0/0'],
  ['install finished, reboot deadline passed', logOf([60, '']), 60 + 16 * 60, 'stalled', null, '0/0', /silent since/],
  ['cloud-init first boot', logOf([0, { event_type: 'start', name: 'init-local', origin: 'cloudinit' }]), 5, 'provisioning', 'cloud-init', '0/0'],
  ['step running, within its deadline', logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-start', { step: 'user', expect: 30 })]), 20, 'provisioning', 'user', '0/2'],
  ['step silent past its deadline', logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-start', { step: 'user', expect: 30 })]), 40, 'stalled', 'user', '0/2', /provisioning user/],
  ['step failed', logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-start', { step: 'user' })], [2, b('step-done', { step: 'user' })], [3, b('step-start', { step: 'images' })], [9, b('step-failed', { step: 'images', message: 'could not pull 2 images' })], [9, b('run-result', { result: 'failed' })]), 5000, 'failed', 'images', '1/2', /could not pull 2 images/],
  ['reboot requested: rebooting, no stall within its deadline', logOf([0, b('run-start', { steps: ['nvidia-driver', 'nvidia-check'] })], [1, b('step-start', { step: 'nvidia-driver', expect: 1800 })], [2, b('step-done', { step: 'nvidia-driver' })], [2, b('reboot', { message: 'load the driver', expect: 900 })], [2, b('run-result', { result: 'reboot' })]), 800, 'rebooting', 'nvidia-driver', '1/2'],
  ['resumed after the reboot and done', logOf([0, b('run-start', { steps: ['nvidia-driver', 'nvidia-check'] })], [2, b('step-done', { step: 'nvidia-driver' })], [2, b('reboot', { expect: 900 })], [100, b('resume', { steps: ['nvidia-driver', 'nvidia-check'] })], [100, b('step-already-done', { step: 'nvidia-driver' })], [101, b('step-start', { step: 'nvidia-check' })], [102, b('step-done', { step: 'nvidia-check' })], [102, b('run-result', { result: 'complete', facts: { gpus: 1 } })]), 99999, 'done', 'nvidia-check', '2/2'],
  ['a failed node that runs again', logOf([0, b('run-start', { steps: ['user'] })], [1, b('step-failed', { step: 'user', message: 'x' })], [50, b('run-start', { steps: ['user'] })], [51, b('step-start', { step: 'user' })]), 60, 'provisioning', 'user', '0/1'],
  ['--root run: skipped steps count as handled', logOf([0, b('run-start', { steps: ['user', 'docker'] })], [1, b('step-done', { step: 'user' })], [1, b('step-skipped', { step: 'docker', message: 'not run under --root' })], [1, b('run-result', { result: 'complete' })]), 9, 'done', 'user', '2/2'],
]

for (const [name, log, now, state, step, steps, message] of ROWS) {
  test(name, () => {
    const n = deriveNode('n1', log, at(now))
    assert.is(n.state, state)
    assert.is(n.step, step)
    assert.is(`${n.done}/${n.total}`, steps)
    if (message) assert.match(n.message, message)
  })
}

test('facts of the run result are kept', () => {
  const n = deriveNode('n1', logOf([0, b('run-result', { result: 'complete', facts: { gpus: [{ model: 'A100', uuid: 'GPU-x' }] } })]), at(1))
  assert.equal(n.facts, { gpus: [{ model: 'A100', uuid: 'GPU-x' }] })
})

test('fleet: failed and stalled first, summary line, exit codes', () => {
  const logs = new Map<string, NodeLog>([
    ['a', logOf([0, b('run-result', { result: 'complete' })])],
    ['b', logOf([0, b('step-failed', { step: 'user', message: 'x' })])],
    ['c', logOf([0, b('step-start', { step: 'user', expect: 5 })])],
  ])
  const view = fleetView(['a', 'b', 'c', 'd'], logs, at(60))
  assert.equal(view.nodes.map((n) => `${n.hostname}:${n.state}`), ['b:failed', 'c:stalled', 'd:pending', 'a:done'])
  assert.is(view.summary, '1 failed, 1 stalled, 1 pending, 1 done')
  assert.is(fleetExit(view), 1)
  assert.is(fleetExit(fleetView(['a'], logs, at(60), ['a'])), 0)
  assert.is(fleetExit(fleetView(['a', 'd'], logs, at(60), ['a', 'd'])), 1, 'not done yet')
  assert.is(summaryLine({ done: 97, provisioning: 2, failed: 1 }), '97 done, 2 provisioning, 1 failed')
})

test('a log that grows is derived again; the same log later is stalled by the clock alone; /status.json text is JSON.stringify of the view', () => {
  const log = logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-start', { step: 'user', expect: 30 })])
  const logs = new Map([['n1', log]])
  const first = deriveNode('n1', log, at(2))
  assert.is(deriveNode('n1', log, at(3)), first, 'unchanged log: the same derived status')
  assert.is(fleetViewJson(fleetView(['n1', 'n2'], logs, at(3))).toString(), JSON.stringify(fleetView(['n1', 'n2'], logs, at(3))) + '\n')
  assert.is(deriveNode('n1', log, at(40)).state, 'stalled')
  assert.is(first.state, 'provisioning', 'the cached status is not changed by a stalled read')
  log.events.push({ seq: 3, at: at(41).toISOString(), source: 'bai-seed', kind: 'step-done', name: 'user' })
  const grown = deriveNode('n1', log, at(42))
  assert.equal([grown.state, grown.done, grown.total], ['provisioning', 1, 2])
  const json = JSON.parse(fleetViewJson(fleetView(['n1', 'n2'], logs, at(42))).toString()) as { nodes: { hostname: string; done: number }[] }
  assert.equal(json.nodes.map((n) => `${n.hostname}:${n.done}`), ['n1:1', 'n2:0'])
})

test('1,000 nodes: identical states grouped, failed ones listed one by one, readable in a screenful', () => {
  const logs = new Map<string, NodeLog>()
  const hosts: string[] = []
  for (let i = 1; i <= 1000; i++) {
    const h = `node-${String(i).padStart(4, '0')}`
    hosts.push(h)
    if (i <= 970) logs.set(h, logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-done', { step: 'user' })], [2, b('step-done', { step: 'images' })], [3, b('run-result', { result: 'complete' })]))
    else if (i <= 990) logs.set(h, logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-done', { step: 'user' })], [2, b('step-start', { step: 'images', expect: 3600 })]))
    else logs.set(h, logOf([0, b('run-start', { steps: ['user', 'images'] })], [1, b('step-failed', { step: 'user', message: `disk ${i} full` })]))
  }
  const view = fleetView(hosts, logs, at(60))
  const text = fleetText(view, at(60))
  const lines = text.trimEnd().split('\n')
  assert.ok(view.nodes.length > GROUP_AT)
  assert.ok(lines.length < 20, text)
  assert.match(lines[1]!, /^node-0991\s+failed\s+user\s+0\/2 .*disk 991 full$/)
  assert.ok(lines.some((l) => /^node-0971 \.\. node-0990\s+provisioning\s+images\s+1\/2\s+20 nodes$/.test(l)), text)
  assert.ok(lines.some((l) => /^node-0001 \.\. node-0970\s+done\s+images\s+2\/2\s+970 nodes$/.test(l)), text)
  assert.is(lines[lines.length - 1], '970 done, 20 provisioning, 10 failed')
})

test.run()
