// provision.sh reports its run to a real bai-seed serve (in this process) from a scratch root (--root runs report
// like any other): run start, each step's start/done/skipped/failed (with the log tail), the result; with the server
// away the events wait in the node's queue and the run is not held up; the next run sends them first, in order. Both
// transports: curl, and bash's /dev/tcp where curl is missing.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { readStatusStore } from '../../src/fleet/event-log.js'
import { deriveNode } from '../../src/fleet/node-state.js'
import { decodeLogTail } from '../../src/fleet/log-tail.js'

let out = ''
let server: RunningServer
let port = 0

function bash(args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; ms: number }> {
  const t0 = Date.now()
  return new Promise((resolve) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()))
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, ms: Date.now() - t0 }))
  })
}

function scratch(files: Record<string, string> = {}): string {
  const root = tempDir('report-root')
  mkdirSync(join(root, 'etc'))
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content)
  return root
}

const events = (host: string) => readStatusStore(out).get(host)?.events ?? []

test.before(async () => {
  out = join(tempDir('report'), 'out')
  mkdirSync(out)
  // Started on the empty folder (its port goes into the inventory), so not yet a folder bai-seed wrote.
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {}, anyFolder: true })
  port = server.port
  const inventory = join(tempDir('report-inv'), 'cluster.yaml')
  writeFileSync(inventory, readFileSync(exampleInventory, 'utf8').replace('mirrors: {}\n', `mirrors: {}\nreporting:\n  url: http://127.0.0.1:${port}/\n`))
  const r = await renderCluster({ inventoryFile: inventory, profileDirs: [], outDir: out, only: [], powerOffWhenDone: false, isos: false, env: { SOURCE_DATE_EPOCH: '1700000000' } })
  assert.ok(r.manifest, 'rendered')
  // serve looks at the manifest at most every 250 ms, and reads it at most once a second.
  await new Promise((r) => setTimeout(r, 1100))
})

test.after(async () => {
  await server.close()
})

for (const transport of ['curl', '/dev/tcp'] as const) {
  test(`${transport}: a --root run reports start, every step, skipped steps and its result: done`, async () => {
    const host = transport === 'curl' ? 'bai-m1' : 'bai-a01'
    const root = scratch()
    const r = await bash([join(out, host, 'provision.sh'), '--root', root], transport === 'curl' ? {} : { BAI_SEED_REPORT_NO_CURL: '1' })
    assert.is(r.status, 0, r.stdout)
    const ev = events(host)
    assert.is(ev[0]!.kind, 'run-start')
    assert.match(ev[0]!.message ?? '', /^files under /)
    const kinds = ev.map((e) => `${e.kind}${e.name ? ` ${e.name}` : ''}`)
    assert.ok(kinds.includes('step-skipped user') && kinds.includes('step-start limits') && kinds.includes('step-done limits'), kinds.join('\n'))
    assert.ok(kinds.includes('step-skipped docker'), kinds.join('\n'))
    assert.is(kinds[kinds.length - 1], 'run-result')
    assert.is(ev[ev.length - 1]!.result, 'complete')
    const start = ev.find((e) => e.kind === 'step-start')!
    assert.is(start.expect, 900, 'the step registry\'s expected duration travels with the start')
    const st = deriveNode(host, readStatusStore(out).get(host), new Date())
    assert.is(st.state, 'done')
    assert.is(st.done, st.total)
    assert.not.ok(existsSync(join(root, 'var/lib/bai-seed/report-queue')) && readFileSync(join(root, 'var/lib/bai-seed/report-queue'), 'utf8') !== '', 'queue empty')
  })
}

test('a failed step reports its message and the tail of the log; status shows it failed there', async () => {
  const root = scratch({ 'etc/hosts': '127.0.0.1 localhost\n##### BEGIN for Backend.AI services #####\n1.2.3.4 x\n' })
  const r = await bash([join(out, 'bai-a02', 'provision.sh'), '--root', root, '--only', 'limits,hosts'])
  assert.is(r.status, 1, r.stdout)
  const failed = events('bai-a02').find((e) => e.kind === 'step-failed')!
  assert.is(failed.name, 'hosts')
  assert.match(failed.message ?? '', /expected one/)
  const log = readStatusStore(out).get('bai-a02')!.lastLog!
  assert.match(decodeLogTail(log.log), /\[limits\] start: /)
  const st = deriveNode('bai-a02', readStatusStore(out).get('bai-a02'), new Date())
  assert.is(st.state, 'failed')
  assert.is(st.step, 'hosts')
})

test('server away: the run is not held up, events wait in the queue; the next run sends them first, in order', async () => {
  const root = scratch()
  const before = events('bai-m1').length
  await server.close()
  const away = await bash([join(out, 'bai-m1', 'provision.sh'), '--root', root, '--only', 'user,limits'], { BAI_SEED_REPORT_PAUSE: '3600' })
  assert.is(away.status, 0, away.stdout)
  assert.ok(away.ms < 20_000, `took ${away.ms} ms`)
  const queue = readFileSync(join(root, 'var/lib/bai-seed/report-queue'), 'utf8').trimEnd().split('\n')
  assert.is(queue.length, 5, queue.join('\n'))
  assert.is(JSON.parse(queue[0]!).kind, 'run-start')
  assert.is(events('bai-m1').length, before, 'nothing arrived')
  server = await startStaticServer({ root: out, host: '127.0.0.1', port, log: () => {}, anyFolder: true })
  const back = await bash([join(out, 'bai-m1', 'provision.sh'), '--root', root, '--only', 'sysctl'])
  assert.is(back.status, 0, back.stdout)
  const after = events('bai-m1').slice(before)
  // Then this run: start, sysctl start and done, result.
  assert.is(after.length, queue.length + 4, after.map((e) => e.kind).join(' '))
  assert.equal(after.slice(0, queue.length).map((e) => e.kind), queue.map((l) => JSON.parse(l).kind))
  assert.is(readFileSync(join(root, 'var/lib/bai-seed/report-queue'), 'utf8'), '')
})

test.run()
