// Nothing acknowledged is lost: the real `bai-seed serve` is killed with SIGKILL while nodes post, and a new one on the
// same folder shows every event that got a 200 before the kill (they were synced before the answer). A log line a
// crash cut short is dropped on loading, and the next event starts on its own line.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, exampleInventory } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { EVENT_LOG, STATUS_DIR } from '../../src/fleet/event-log.js'
import { ev, post, reportPath } from './fleet-helpers.js'

function startServe(out: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binRun, 'serve', '-o', out, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let text = ''
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString()
      const m = /serving .* at http:\/\/127\.0\.0\.1:(\d+)\//.exec(text)
      if (m) resolve({ child, port: Number(m[1]) })
    })
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${text}`)))
  })
}

const NODES = ['bai-m1', 'bai-a01', 'bai-a02']

test('kill -9 of serve while nodes post: every acknowledged event is there after a restart', async () => {
  const out = await renderFixture(exampleInventory)
  const first = await startServe(out)
  const acked = new Map<string, Set<string>>(NODES.map((n) => [n, new Set()]))
  let killed = false
  let total = 0
  const node = async (host: string): Promise<void> => {
    const path = reportPath(out, host)
    for (let i = 0; i < 400; i++) {
      const message = `${host}-event-${i}`
      try {
        const r = await post(first.port, path, ev('step-start', { step: 'images', message }))
        if (r.status === 200) {
          acked.get(host)!.add(message)
          if (++total === 450 && !killed) {
            killed = true
            first.child.kill('SIGKILL')
          }
        }
      } catch {
        // The server is gone.
        if (killed) return
      }
    }
  }
  await Promise.all(NODES.flatMap((h) => [node(h), node(h)]))
  assert.ok(killed, 'the server was killed mid-stream')
  assert.ok(total >= 450)

  // A torn line, as a crash inside write() would leave it: never acknowledged, dropped.
  appendFileSync(join(out, STATUS_DIR, EVENT_LOG), '{"node":"bai-a01","seq":99999,"at":"2026-')
  const second = await startServe(out)
  try {
    for (const host of NODES) {
      const detail = (await (await fetch(`http://127.0.0.1:${second.port}/status/${host}.json`)).json()) as { timeline: { message?: string; seq: number }[] }
      const seen = new Set(detail.timeline.map((e) => e.message))
      const missing = [...acked.get(host)!].filter((m) => !seen.has(m))
      assert.equal(missing, [], `${host}: acknowledged events missing after the restart`)
      const seqs = detail.timeline.map((e) => e.seq)
      assert.equal(seqs, seqs.map((_, i) => i + 1), `${host}: sequence numbers without gaps`)
    }
    // The next event after the torn line lands on its own line and continues the sequence.
    const r = await post(second.port, reportPath(out, 'bai-a01'), ev('run-result', { result: 'complete' }))
    assert.is(r.status, 200, r.body)
    const lines = readFileSync(join(out, STATUS_DIR, EVENT_LOG), 'utf8').trimEnd().split('\n')
    for (const l of lines) JSON.parse(l)
    const last = JSON.parse(lines[lines.length - 1]!) as { node: string; kind: string }
    assert.equal([last.node, last.kind], ['bai-a01', 'run-result'])
  } finally {
    second.child.kill('SIGKILL')
  }
})

test.run()
