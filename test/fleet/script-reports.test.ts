// provision.sh reports its run to a real bai-seed serve (in this process) from a scratch root (--root runs report
// like any other): run start, each step's start/done/skipped/failed (with the log tail), the result; with the server
// away the events wait in the node's queue and the run is not held up; the next run sends them first, in order. Both
// transports: curl, and bash's /dev/tcp where curl is missing. The nodes reach the server through a TCP relay (as a
// node reaches serve through its network), which the stall test cuts mid-step: with the step's duration shortened by
// a profile (settings.expected_durations), `bai-seed status` shows the node stalled there, and no longer once the
// network is back and the queued events arrived.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { readStatusStore } from '../../src/fleet/event-log.js'
import { deriveNode } from '../../src/fleet/node-state.js'
import { decodeLogTail } from '../../src/fleet/log-tail.js'
import { binRun } from '../helpers/repo.js'

let out = ''
let server: RunningServer
let port = 0
let relay: Relay

/**
 * The nodes' network: a TCP relay to the server's port. `cutOn(text)`: the connection whose request holds every one of
 * `text` still goes through, and from the next one on the network is cut: connections are taken and never answered
 * (as packets into a cut cable), until `restore()`.
 */
interface Relay {
  port: number
  cutOn(text: string[]): void
  restore(): void
  /** Connections taken while cut. */
  swallowed: number
  close(): Promise<void>
}

function startRelay(): Promise<Relay> {
  let cut = false
  let trigger: string[] | null = null
  const held = new Set<Socket>()
  const r: Relay = {
    port: 0,
    swallowed: 0,
    cutOn: (text) => void (trigger = text),
    restore: () => {
      cut = false
      for (const s of held) s.destroy()
      held.clear()
    },
    close: () => new Promise((done) => {
      r.restore()
      srv.close(() => done())
    }),
  }
  const srv: Server = createServer((sock) => {
    sock.on('error', () => {})
    if (cut) {
      r.swallowed++
      held.add(sock)
      sock.resume()
      sock.on('close', () => held.delete(sock))
      return
    }
    let request = ''
    sock.on('data', (c: Buffer) => {
      request += c.toString('latin1')
      if (trigger && trigger.every((t) => request.includes(t))) {
        trigger = null
        cut = true
      }
    })
    const up = connect(port, '127.0.0.1')
    up.on('error', () => sock.destroy())
    sock.on('close', () => up.destroy())
    sock.pipe(up)
    up.pipe(sock)
  })
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => {
    r.port = (srv.address() as { port: number }).port
    resolve(r)
  }))
}

/** The CLI in a child process, without blocking this one (the server under test runs here). */
function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binRun, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }))
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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
  relay = await startRelay()
  const inventory = join(tempDir('report-inv'), 'cluster.yaml')
  writeFileSync(inventory, readFileSync(exampleInventory, 'utf8').replace('mirrors: {}\n', `mirrors: {}\nreporting:\n  url: http://127.0.0.1:${relay.port}/\n`))
  // A site's profile shortens the GPU agents' sysctl step to 8 s (the registry's 15 min otherwise).
  const profiles = tempDir('report-profiles')
  writeFileSync(join(profiles, 'agent-gpu.yaml'), 'extends: [agent-gpu]\nsettings:\n  expected_durations: {sysctl: 8s}\n')
  const r = await renderCluster({ inventoryFile: inventory, profileDirs: [profiles], outDir: out, only: [], powerOffWhenDone: false, isos: false, env: { SOURCE_DATE_EPOCH: '1700000000' } })
  assert.ok(r.manifest, 'rendered')
  // serve looks at the manifest at most every 250 ms, and reads it at most once a second.
  await new Promise((r) => setTimeout(r, 1100))
})

test.after(async () => {
  await relay.close()
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

test('network cut mid-step: stalled once the profile\'s shortened deadline passes; the queued events arrive when it is back, and it is not', async () => {
  const host = 'bai-a01'
  const root = scratch()
  const before = events(host).length
  relay.cutOn(['"kind":"step-start"', '"step":"sysctl"'])
  const t0 = Date.now()
  const running = bash([join(out, host, 'provision.sh'), '--root', root, '--only', 'sysctl,hosts'])
  // The step's start got through, with the profile's duration: the deadline is 8 s after it.
  let start: { seq: number; at: string; expect?: number } | undefined
  while (!start && Date.now() - t0 < 20_000) {
    start = events(host).slice(before).find((e) => e.kind === 'step-start' && e.name === 'sysctl')
    if (!start) await sleep(50)
  }
  assert.ok(start, 'the step start arrived')
  assert.is(start!.expect, 8)
  const during = (await (await fetch(`${server.url}status/${host}.json`)).json()) as { state: string; step: string; deadline: string; lastSeen: string }
  assert.is(Date.parse(during.deadline) - Date.parse(start!.at), 8000)
  if (Date.now() < Date.parse(during.deadline)) assert.equal([during.state, during.step], ['provisioning', 'sysctl'])
  // The run goes on while its network is cut: the next report waits at most curl's 5 s, the rest are queued.
  const run = await running
  assert.is(run.status, 0, run.stdout)
  assert.ok(relay.swallowed >= 1, 'the step-done report went into the cut network')
  const queue = readFileSync(join(root, 'var/lib/bai-seed/report-queue'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; step?: string })
  assert.equal(queue.map((e) => `${e.kind}${e.step ? ` ${e.step}` : ''}`), ['step-done sysctl', 'step-start hosts', 'step-done hosts', 'run-result'])
  assert.equal(events(host).slice(before).map((e) => e.kind), ['run-start', 'step-start'], 'nothing after the cut arrived')
  // Past the deadline: stalled at sysctl, in the JSON and in the lines (exit 1).
  await sleep(Math.max(0, Date.parse(during.deadline) - Date.now()) + 300)
  const json = await cli(['status', '--json', '--url', server.url])
  assert.is(json.status, 1, json.stderr)
  const node = (JSON.parse(json.stdout) as { hostname: string; state: string; step: string; stalledIn?: string; message: string }[]).find((n) => n.hostname === host)!
  assert.equal([node.state, node.step, node.stalledIn], ['stalled', 'sysctl', 'provisioning'])
  assert.match(node.message, /^silent since \S+ \(provisioning sysctl; deadline \S+\)$/)
  const text = await cli(['status', '--url', server.url, host])
  assert.is(text.status, 1)
  assert.match(text.stdout, /stalled/)
  const lines = await cli(['status', '-o', out])
  assert.match(lines.stdout, /\nbai-a01\s+stalled\s+sysctl\s+\S+\s+.*silent since \S+ \(provisioning sysctl; deadline \S+\)\n/)
  // The network is back; the node's next run (as the boot after a reboot would) sends the queue first, in order.
  relay.restore()
  const again = await bash([join(out, host, 'provision.sh'), '--root', root, '--only', 'sysctl,hosts'])
  assert.is(again.status, 0, again.stdout)
  const arrived = events(host).slice(before).map((e) => `${e.kind}${e.name ? ` ${e.name}` : ''}`)
  assert.equal(arrived.slice(0, 6), ['run-start', 'step-start sysctl', 'step-done sysctl', 'step-start hosts', 'step-done hosts', 'run-result'])
  assert.is(arrived[6], 'run-start')
  assert.is(readFileSync(join(root, 'var/lib/bai-seed/report-queue'), 'utf8'), '')
  const after = await cli(['status', '--json', '--url', server.url, host])
  const back = (JSON.parse(after.stdout) as { state: string; stalledIn?: string }[])[0]!
  assert.equal([back.state, back.stalledIn], ['done', undefined])
})

test.run()
