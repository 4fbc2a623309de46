// `bai-seed status` through the real CLI, on the output folder (-o) and on a running serve (--url): lines, summary,
// --json, a node's timeline and log tail, exit codes 0/1/2/3, --watch without a terminal.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gzipSync } from 'node:zlib'
import { exampleInventory } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { runCli, type CliResult } from '../helpers/run-cli.js'
import { spawn } from 'node:child_process'
import { binRun } from '../helpers/repo.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { post, reportPath, runEvents } from './fleet-helpers.js'

/** runCli without blocking this process (the server under test runs in it). */
function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binRun, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }))
  })
}

let out = ''
let server: RunningServer
const STEPS = ['user', 'limits', 'docker', 'images']

test.before(async () => {
  out = await renderFixture(exampleInventory)
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {} })
  for (const e of runEvents(STEPS)) assert.is((await post(server.port, reportPath(out, 'bai-a01'), e)).status, 200)
  const tail = gzipSync('pulling cr.backend.ai/x\nError: connection refused\n\u001b[31mred\u001b[0m\n').toString('base64')
  for (const e of runEvents(STEPS, 'images', tail)) assert.is((await post(server.port, reportPath(out, 'bai-a02'), e)).status, 200)
})

test.after(async () => {
  await server.close()
})

for (const where of ['-o', '--url'] as const) {
  const args = (): string[] => (where === '-o' ? ['-o', out] : ['--url', server.url])

  test(`${where}: one line per node, failed first, summary; exit 1`, async () => {
    const r = await cli(['status', ...args()])
    assert.is(r.status, 1, r.stderr)
    const lines = r.stdout.trimEnd().split('\n')
    assert.match(lines[0]!, /^NODE\s+STATE\s+STEP\s+STEPS\s+ELAPSED\s+LAST SEEN\s+MESSAGE$/)
    assert.match(lines[1]!, /^bai-a02\s+failed\s+images\s+3\/4\s+\S+\s+\S+ ago\s+images broke$/)
    assert.match(lines[2]!, /^bai-m1\s+pending\s+-\s+-/)
    assert.match(lines[3]!, /^bai-a01\s+done\s+images\s+4\/4/)
    assert.is(lines[4], '1 failed, 1 pending, 1 done')
  })

  test(`${where}: --json gives hostname, state, step and each step's state`, async () => {
    const r = await cli(['status', ...args(), '--json'])
    assert.is(r.status, 1)
    const nodes = JSON.parse(r.stdout) as { hostname: string; state: string; step: string | null; steps: { id: string; state: string }[]; facts?: unknown }[]
    assert.equal(nodes.map((n) => [n.hostname, n.state, n.step]), [['bai-a02', 'failed', 'images'], ['bai-m1', 'pending', null], ['bai-a01', 'done', 'images']])
    assert.equal(nodes[0]!.steps, [{ id: 'user', state: 'done' }, { id: 'limits', state: 'done' }, { id: 'docker', state: 'done' }, { id: 'images', state: 'failed', message: 'images broke' }])
    assert.equal(nodes[2]!.facts, { gpus: [{ model: 'Fixture GPU', uuid: 'GPU-1' }] })
  })

  test(`${where}: status NODE shows its timeline and the failed step's log tail (control characters made visible)`, async () => {
    const r = await cli(['status', ...args(), 'bai-a02'])
    assert.is(r.status, 1)
    assert.match(r.stdout, /^bai-a02: failed at images, steps 3\/4/)
    assert.match(r.stdout, /\n {2}\S+Z {2}step-failed images: images broke\n/)
    assert.match(r.stdout, /log tail \(step images\):\n {2}\| pulling cr\.backend\.ai\/x\n {2}\| Error: connection refused\n {2}\| \?\[31mred\?\[0m\n/)
    assert.not.match(r.stdout, /\u001b/)
    const j = JSON.parse((await cli(['status', ...args(), 'bai-a02', '--json'])).stdout) as { log: string; timeline: unknown[] }[]
    assert.match(j[0]!.log, /connection refused/)
    assert.is(j[0]!.timeline.length, 10)
  })

  test(`${where}: exit 0 when every node asked about is done`, async () => {
    const r = await cli(['status', ...args(), 'bai-a01'])
    assert.is(r.status, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /facts: \{"gpus":\[\{"model":"Fixture GPU","uuid":"GPU-1"\}\]\}/)
  })
}

test('usage errors exit 2; an unreachable serve exits 3', async () => {
  const unknown = runCli(['status', '-o', out, 'nosuch'])
  assert.is(unknown.status, 2)
  assert.match(unknown.stderr, /error\[NODE\] no such node: nosuch \(nodes: bai-a01, bai-a02, bai-m1\)/)
  assert.is((await cli(['status', '-o', out, '--url', server.url])).status, 2)
  assert.is(runCli(['status', '--url', 'ftp://x/']).status, 2)
  assert.is(runCli(['status', '--bogus']).status, 2)
  const none = runCli(['status', '-o', `${out}/nope`])
  assert.is(none.status, 2)
  const away = runCli(['status', '--url', 'http://127.0.0.1:1/'])
  assert.is(away.status, 3, away.stderr)
  assert.match(away.stderr, /error\[UNREACHABLE\] http:\/\/127\.0\.0\.1:1\/: cannot ask bai-seed serve there: /)
})

// A node stalled mid-step (its network cut, the deadline shortened by a profile) is script-reports.test.ts's last test:
// the real provision.sh, a relay that cuts its network, and this command's lines and --json.

test('--watch without a terminal prints plain rounds and stops once the nodes asked about are settled', () => {
  const r = runCli(['status', '-o', out, '--watch', 'bai-a01', 'bai-a02'])
  assert.is(r.status, 1)
  assert.not.match(r.stdout, /\u001b/)
  assert.match(r.stdout, /^bai-a01: done/m)
})

test.run()
