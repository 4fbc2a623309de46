// The fleet's event log (event-log.ts): events of many nodes arriving together share one write and one fdatasync
// (group commit), and none is acknowledged before the sync that covers it; what was acknowledged reads back per node
// in order; a torn last line (a crash mid-write) is dropped on loading and cut away before the next write; a node's
// share of the log has its cap. A folder written by the earlier store (one log per node) still shows its nodes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EVENT_LOG, EventStore, MAX_LOG_BYTES, readStatusStore, STATUS_DIR } from '../../src/fleet/event-log.js'
import { deriveNode } from '../../src/fleet/node-state.js'
import { decodeLogTail } from '../../src/fleet/log-tail.js'
import { runCli } from '../helpers/run-cli.js'
import { binRun } from '../helpers/repo.js'
import { spawnSync } from 'node:child_process'

const folder = (): string => mkdtempSync(join(tmpdir(), 'bai-seed-event-log-'))

/** Counts fdatasync calls of every FileHandle and records the file's size at each (what the sync covered). */
async function watchSyncs(): Promise<{ covered: number[]; restore(): void }> {
  const probe = await open(join(folder(), 'probe'), 'w')
  const proto = Object.getPrototypeOf(probe) as { datasync(this: { stat(): Promise<{ size: number }> }): Promise<void> }
  await probe.close()
  const original = proto.datasync
  const covered: number[] = []
  proto.datasync = async function (this: { stat(): Promise<{ size: number }> }) {
    const size = (await this.stat()).size
    await original.call(this)
    covered.push(size)
  }
  return { covered, restore: () => void (proto.datasync = original) }
}

test('200 events of 50 nodes at once: a few syncs, each event acknowledged only after a sync covering it', async () => {
  const out = folder()
  const store = new EventStore(out)
  const file = join(out, STATUS_DIR, EVENT_LOG)
  const syncs = await watchSyncs()
  try {
    const hosts = Array.from({ length: 50 }, (_, i) => `node-${i}`)
    const acks: Promise<void>[] = []
    for (let round = 0; round < 4; round++) {
      for (const host of hosts) {
        acks.push(
          store.append(host, { source: 'bai-seed', kind: 'step-start', name: `s${round}`, message: `${host}#${round}` }).then((e) => {
            // The event's line ends at or before what the last sync covered.
            const text = readFileSync(file, 'utf8')
            const end = text.indexOf('\n', text.indexOf(`"message":"${host}#${round}"`)) + 1
            assert.ok(syncs.covered.length > 0 && end <= syncs.covered[syncs.covered.length - 1]!, `${host}#${round} acknowledged before its sync`)
            assert.is(e.seq, round + 1)
          }),
        )
      }
    }
    await Promise.all(acks)
    assert.ok(syncs.covered.length <= 10, `${syncs.covered.length} syncs for 200 events`)
  } finally {
    syncs.restore()
    await store.close()
  }
  const logs = readStatusStore(out)
  assert.is(logs.size, 50)
  for (const [host, log] of logs) assert.equal(log.events.map((e) => e.message), [0, 1, 2, 3].map((r) => `${host}#${r}`))
  assert.is(statSync(join(out, STATUS_DIR)).mode & 0o777, 0o700)
  assert.is(statSync(join(out, STATUS_DIR, EVENT_LOG)).mode & 0o777, 0o600)
})

test('a torn last line is dropped on loading and cut away before the next write; numbering goes on', async () => {
  const out = folder()
  const first = new EventStore(out)
  await first.append('bai-a01', { source: 'bai-seed', kind: 'run-start', steps: ['user'] })
  await first.append('bai-a02', { source: 'bai-seed', kind: 'run-start', steps: ['user'] })
  await first.close()
  const file = join(out, STATUS_DIR, EVENT_LOG)
  appendFileSync(file, '{"node":"bai-a01","seq":2,"at":"2026-12-07T')
  assert.is(readStatusStore(out).get('bai-a01')!.events.length, 1)
  const second = new EventStore(out)
  const e = await second.append('bai-a01', { source: 'bai-seed', kind: 'step-start', name: 'user' })
  await second.close()
  assert.is(e.seq, 2)
  const lines = readFileSync(file, 'utf8').split('\n')
  assert.is(lines.pop(), '')
  assert.equal(
    lines.map((l) => JSON.parse(l) as { node: string; seq: number }).map((r) => `${r.node}:${r.seq}`),
    ['bai-a01:1', 'bai-a02:1', 'bai-a01:2'],
  )
})

test('a node\'s share of the log stops at its cap (FULL); other nodes go on', async () => {
  const out = folder()
  const store = new EventStore(out)
  // Larger than a real event (the store itself does not care): a few batches reach the cap.
  const message = 'x'.repeat(60_000)
  let full: unknown = null
  for (let i = 0; i < MAX_LOG_BYTES / 60_000 + 60 && !full; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, () => store.append('bai-m1', { source: 'bai-seed', kind: 'step-start', name: 'images', message }).catch((e: unknown) => (full = e))),
    )
  }
  assert.is((full as { code?: string } | null)?.code, 'FULL')
  assert.ok(store.logs.get('bai-m1')!.bytes <= MAX_LOG_BYTES)
  assert.is((await store.append('bai-a01', { source: 'bai-seed', kind: 'run-start', steps: [] })).seq, 1)
  await store.close()
  assert.is(readStatusStore(out).get('bai-m1')!.bytes, store.logs.get('bai-m1')!.bytes)
})

test('a folder of the earlier store (.bai-seed-status/<host>.jsonl per node) still shows its nodes; new events follow them', async () => {
  const out = folder()
  const dir = join(out, STATUS_DIR)
  mkdirSync(dir, { mode: 0o700 })
  // As the earlier store wrote them: one StoredEvent a line, no `node` (the file names it), numbered per node from 1.
  const at = (s: number): string => new Date(Date.parse('2026-12-07T20:00:00Z') + s * 1000).toISOString()
  const old = (host: string, records: object[], torn = ''): void => {
    writeFileSync(join(dir, `${host}.jsonl`), records.map((r, i) => JSON.stringify({ seq: i + 1, at: at(i), source: 'bai-seed', ...r }) + '\n').join('') + torn, { mode: 0o600 })
  }
  old('bai-a01', [
    { kind: 'run-start', steps: ['user', 'limits'] },
    { kind: 'step-start', name: 'user', expect: 900 },
    { kind: 'step-done', name: 'user' },
    { kind: 'step-start', name: 'limits', expect: 900 },
    { kind: 'step-done', name: 'limits' },
    { kind: 'run-result', result: 'complete', total: 2 },
  ])
  const tail = gzipSync('pulling postgres\nError: connection refused\n').toString('base64')
  old('bai-a02', [
    { kind: 'run-start', steps: ['images'] },
    { kind: 'step-start', name: 'images', expect: 600 },
    { kind: 'step-failed', name: 'images', message: 'could not pull 1 of 1 images', log: tail },
  ], '{"seq":4,"at":"2026-12-07T20:00:09.000Z","source":"bai-se')
  // Not logs of the store: another file, a name that is not a host name, a symlink.
  writeFileSync(join(dir, 'notes.txt'), 'x\n')
  writeFileSync(join(dir, 'Bad_Name.jsonl'), JSON.stringify({ seq: 1, at: at(0), source: 'bai-seed', kind: 'run-start', steps: [] }) + '\n')
  writeFileSync(join(out, 'elsewhere.jsonl'), JSON.stringify({ seq: 1, at: at(0), source: 'bai-seed', kind: 'run-start', steps: [] }) + '\n')
  symlinkSync(join(out, 'elsewhere.jsonl'), join(dir, 'bai-m1.jsonl'))
  const legacyBytes = readFileSync(join(dir, 'bai-a02.jsonl'))

  const logs = readStatusStore(out)
  assert.equal([...logs.keys()].sort(), ['bai-a01', 'bai-a02'])
  const now = new Date('2026-12-07T20:01:00Z')
  assert.equal([deriveNode('bai-a01', logs.get('bai-a01'), now).state, deriveNode('bai-a01', logs.get('bai-a01'), now).done], ['done', 2])
  const a02 = deriveNode('bai-a02', logs.get('bai-a02'), now)
  assert.equal([a02.state, a02.step, a02.message], ['failed', 'images', 'could not pull 1 of 1 images'])
  assert.match(decodeLogTail(logs.get('bai-a02')!.lastLog!.log), /connection refused/)
  assert.is(logs.get('bai-a02')!.events.length, 3, 'the torn line is left out')

  // The CLI on that folder, as it is.
  const r = runCli(['status', '-o', out, '--json'])
  assert.is(r.status, 1, r.stderr)
  assert.equal((JSON.parse(r.stdout) as { hostname: string; state: string }[]).map((n) => [n.hostname, n.state]), [['bai-a02', 'failed'], ['bai-a01', 'done']])

  // serve (the store) starts on it: bai-a02 runs again; its events follow the old ones, numbered on from them.
  const store = new EventStore(out)
  assert.is((await store.append('bai-a02', { source: 'bai-seed', kind: 'run-start', steps: ['images'] })).seq, 4)
  assert.is((await store.append('bai-a02', { source: 'bai-seed', kind: 'step-already-done', name: 'images' })).seq, 5)
  assert.is((await store.append('bai-a02', { source: 'bai-seed', kind: 'run-result', result: 'complete' })).seq, 6)
  await store.close()
  assert.equal(readFileSync(join(dir, 'bai-a02.jsonl')), legacyBytes, 'the old log is left as it was')
  // And after a restart, the same: old events first, then the fleet log's.
  const again = readStatusStore(out)
  assert.equal(again.get('bai-a02')!.events.map((e) => `${e.seq} ${e.kind}`), ['1 run-start', '2 step-start', '3 step-failed', '4 run-start', '5 step-already-done', '6 run-result'])
  assert.is(deriveNode('bai-a02', again.get('bai-a02'), new Date()).state, 'done')
  assert.is(again.get('bai-a01')!.events.length, 6)
})

test('status --json of a node with a long timeline (over a pipe\'s 64 KiB) comes out whole through a pipe, every time', async () => {
  const out = folder()
  const store = new EventStore(out)
  await Promise.all(Array.from({ length: 800 }, (_, i) => store.append('bai-m1', { source: 'cloud-init', kind: 'start', name: `init-network/config-${i}`, message: 'x'.repeat(40) })))
  await store.close()
  // A reader that takes a second before reading: the pipe is full when the command is done writing.
  for (let i = 0; i < 2; i++) {
    const r = spawnSync('bash', ['-c', `"$0" "$1" status -o "$2" bai-m1 --json | { sleep 1; cat; }`, process.execPath, binRun, out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    assert.ok(r.stdout.length > 128 * 1024, `${r.stdout.length} bytes`)
    assert.is((JSON.parse(r.stdout) as { timeline: unknown[] }[])[0]!.timeline.length, 800)
  }
})

test.run()
