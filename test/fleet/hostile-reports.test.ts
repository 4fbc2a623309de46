// Only a node itself can report for itself, and nothing it sends writes outside the status store: wrong, missing and
// other nodes' tokens, oversized bodies, malformed JSON, path tricks in node names and a flood of 10,000 events from
// one node are each refused with their own status, logged with the node, and the server goes on serving others.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { exampleInventory } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { formatAccessLog, type AccessLogEntry } from '../../src/serve/access-log.js'
import { MAX_EVENT_BYTES } from '../../src/fleet/report-event.js'
import { RATE_BURST } from '../../src/fleet/report-route.js'
import { EVENT_LOG, readStatusStore, STATUS_DIR } from '../../src/fleet/event-log.js'
import { ev, post, reportPath } from './fleet-helpers.js'

let out = ''
let server: RunningServer
const log: AccessLogEntry[] = []

function tree(dir: string): string[] {
  const files: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else files.push(`${relative(dir, p)} ${statSync(p).size}`)
    }
  }
  walk(dir)
  return files.sort()
}

test.before(async () => {
  out = await renderFixture(exampleInventory)
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
})

test.after(async () => {
  await server.close()
})

test('a node\'s own token: 200, synced into its log; the token is never logged', async () => {
  const path = reportPath(out, 'bai-a01')
  const r = await post(server.port, path, ev('run-start', { steps: ['user', 'limits'] }))
  assert.is(r.status, 200, r.body)
  assert.match(r.body, /^200 event 1 recorded/)
  const logs = readStatusStore(out)
  assert.is(logs.get('bai-a01')!.events[0]!.kind, 'run-start')
  assert.is(statSync(join(out, STATUS_DIR)).mode & 0o777, 0o700)
  assert.is(statSync(join(out, STATUS_DIR, EVENT_LOG)).mode & 0o777, 0o600)
  await new Promise((r) => setTimeout(r, 30))
  const lines = log.map(formatAccessLog)
  assert.ok(lines.some((l) => / POST \/report\/bai-a01\/- 200 \d+ node=bai-a01$/.test(l)), lines.join('\n'))
  assert.not.ok(lines.some((l) => l.includes(path.split('/')[3]!)))
})

const TABLE: Array<[string, () => string, string | Buffer, number, RegExp, string | null]> = [
  ['wrong token', () => '/report/bai-a01/AAAAAAAAAAAAAAAAAAAAAA', ev('run-start', { steps: [] }), 403, /not the report token/, 'bai-a01'],
  ['missing token', () => '/report/bai-a01', ev('run-start', { steps: [] }), 403, /not the report token/, 'bai-a01'],
  ["another node's token", () => reportPath(out, 'bai-a02').replace('bai-a02', 'bai-a01'), ev('run-start', { steps: [] }), 403, /not the report token/, 'bai-a01'],
  ['a seed token', () => '/report/bai-a01/' + 'x'.repeat(22), ev('run-start', { steps: [] }), 403, /not the report token/, 'bai-a01'],
  ['unknown node', () => '/report/nosuch/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['.. in the node', () => '/report/..%2F..%2Fetc/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['slash in the node', () => '/report/bai-a01%2F..%2Fpxe/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['dot-file node', () => '/report/.bai-seed-key/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['upper case node', () => '/report/BAI-A01/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['NUL in the node', () => '/report/bai-a01%00/AAAAAAAAAAAAAAAAAAAAAA', '{}', 404, /no such node/, null],
  ['malformed JSON', () => reportPath(out, 'bai-a01'), '{"origin": "bai-seed", "kind": ', 400, /not JSON/, 'bai-a01'],
  ['JSON not an object', () => reportPath(out, 'bai-a01'), '[1,2]', 400, /not a JSON object/, 'bai-a01'],
  ['unknown kind', () => reportPath(out, 'bai-a01'), ev('format-disk'), 400, /unknown kind/, 'bai-a01'],
  ['step id with a path', () => reportPath(out, 'bai-a01'), ev('step-start', { step: '../../etc' }), 400, /valid step id/, 'bai-a01'],
  ['log not base64', () => reportPath(out, 'bai-a01'), ev('step-failed', { step: 'user', log: '<script>' }), 400, /log not base64/, 'bai-a01'],
  ['webhook without a name', () => reportPath(out, 'bai-a01'), JSON.stringify({ event_type: 'start', origin: 'cloudinit' }), 400, /without a name/, 'bai-a01'],
  ['oversized (declared)', () => reportPath(out, 'bai-a01'), Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20), 413, /at most/, 'bai-a01'],
]

for (const [name, path, body, status, message, node] of TABLE) {
  test(`refused: ${name} -> ${status}`, async () => {
    const before = tree(out)
    log.length = 0
    const r = await post(server.port, path(), body)
    assert.is(r.status, status, r.body)
    assert.match(r.body, message)
    assert.equal(tree(out), before, 'nothing written')
    await new Promise((r) => setTimeout(r, 20))
    assert.is(log.length, 1)
    assert.is(log[0]!.status, status)
    assert.is(log[0]!.node, node)
  })
}

test('refused: oversized body sent without a length (chunked) -> 413, nothing written', async () => {
  const before = tree(out)
  const r = await post(server.port, reportPath(out, 'bai-a01'), Buffer.alloc(MAX_EVENT_BYTES * 3, 0x20), { 'content-length': '', 'transfer-encoding': 'chunked' }).catch(
    (e: Error) => ({ status: -1, body: e.message }),
  )
  // The server answers 413 and closes; the client may see the answer or a reset while still sending.
  assert.ok(r.status === 413 || r.status === -1, `${r.status} ${r.body}`)
  assert.equal(tree(out), before)
})

test('a webhook event (cloud-init shape) and a log tail are accepted; the tail is capped', async () => {
  const path = reportPath(out, 'bai-a02')
  const hook = { event_type: 'finish', name: 'init-network/config-ssh', description: 'running config-ssh', origin: 'cloudinit', timestamp: 1765000000.5, result: 'SUCCESS' }
  assert.is((await post(server.port, path, JSON.stringify(hook))).status, 200)
  const tail = gzipSync('line\n'.repeat(100)).toString('base64')
  assert.is((await post(server.port, path, ev('step-failed', { step: 'images', message: 'pull failed', log: tail }))).status, 200)
  const big = 'A'.repeat(60 * 1024)
  const r = await post(server.port, path, ev('step-failed', { step: 'images', log: big }))
  assert.is(r.status, 400)
  assert.match(r.body, /log not base64 of at most/)
  const events = readStatusStore(out).get('bai-a02')!.events
  assert.is(events[0]!.source, 'cloud-init')
  assert.is(events[0]!.name, 'init-network/config-ssh')
  assert.is(events[0]!.nodeTime, '2025-12-06T05:46:40.500Z')
})

test('10,000 events from one node: a burst is taken, the rest refused with 429; other nodes and pages unaffected', async () => {
  const path = reportPath(out, 'bai-m1')
  const body = ev('step-start', { step: 'images', expect: 60 })
  const statuses = new Map<number, number>()
  let next = 0
  let otherOk = 0
  let pageOk = 0
  const worker = async (): Promise<void> => {
    while (next < 10_000) {
      next++
      const r = await post(server.port, path, body)
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      if (next % 1000 === 0) {
        if ((await post(server.port, reportPath(out, 'bai-a01'), ev('step-start', { step: 'limits' }))).status === 200) otherOk++
        if ((await fetch(`${server.url}status.json`)).status === 200) pageOk++
      }
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  const accepted = statuses.get(200) ?? 0
  // The bucket refills a few events a second while the flood runs.
  assert.ok(accepted >= RATE_BURST && accepted < RATE_BURST + 200, `accepted ${accepted}`)
  assert.is(accepted + (statuses.get(429) ?? 0), 10_000, JSON.stringify([...statuses]))
  assert.ok(otherOk >= 9, `another node's reports still go through (${otherOk})`)
  assert.ok(pageOk >= 9, `the status page still answers (${pageOk})`)
  assert.is(readStatusStore(out).get('bai-m1')!.events.length, accepted, 'exactly the acknowledged events are stored')
  const files = readdirSync(join(out, STATUS_DIR)).sort()
  assert.equal(files, [EVENT_LOG])
  assert.ok(readFileSync(join(out, STATUS_DIR, EVENT_LOG), 'utf8').endsWith('\n'))
})

test.run()
