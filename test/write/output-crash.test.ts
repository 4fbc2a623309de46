// kill -9 at every step of the switch from the old output to the new one, and at moments spread over a large
// render: afterwards the folder is wholly old or wholly new once repaired, its manifest matches the disk, and the
// next render repairs and completes it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { recoverOutput } from '../../src/write/output-journal.js'
import { hostsOf, inventoryOf, manifestProblems, snapshot } from './output-fixture.js'

async function render(inventoryFile: string, outDir: string, isos = false): Promise<void> {
  const r = await renderCluster({ inventoryFile, profileDirs: [], outDir, only: [], powerOffWhenDone: false, isos, env: { SOURCE_DATE_EPOCH: '1700000000' } })
  assert.ok(r.manifest, 'render')
}

function renderCli(inventory: string, out: string, env: NodeJS.ProcessEnv, isos = false) {
  const args = [binRun, 'render', '-c', inventory, '-o', out, ...(isos ? [] : ['--no-iso'])]
  return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env } })
}

const leftovers = (out: string): string[] => readdirSync(out).filter((n) => n.startsWith('.') && n !== '.bai-seed')

test('killed at every step of the switch: wholly old or wholly new, and the next render repairs', async () => {
  // v2 changes every node's files (DNS), drops n5 (stale) and adds x9.
  const v1 = inventoryOf(hostsOf(6))
  const v2 = inventoryOf([...hostsOf(5), 'x9'], '10.9.0.2')
  const refs = await Promise.all([v1, v2].map(async (inv) => {
    const out = join(tempDir('crash-ref'), 'out')
    await render(inv, out)
    return snapshot(out)
  }))
  const [old, fresh] = refs as [Record<string, string>, Record<string, string>]
  const out = join(tempDir('crash'), 'out')
  const seen = { old: 0, new: 0 }
  let point = 1
  for (; point < 100; point++) {
    await render(v1, out)
    assert.equal(snapshot(out), old)
    const r = renderCli(v2, out, { BAI_SEED_TEST_CRASH_POINT: String(point) })
    if (r.status === 0) break
    assert.is(r.signal, 'SIGKILL', `point ${point}: ${r.stderr}`)
    recoverOutput(out)
    const now = snapshot(out)
    const which = JSON.stringify(now) === JSON.stringify(old) ? 'old' : JSON.stringify(now) === JSON.stringify(fresh) ? 'new' : null
    assert.ok(which, `point ${point}: neither wholly old nor wholly new`)
    seen[which!]++
    assert.equal(manifestProblems(out), [], `point ${point}`)
    // A staging folder left after the journal is gone is removed by the next run (below).
    assert.equal(leftovers(out).filter((n) => !n.startsWith('.staging-')), [], `point ${point}: nothing left behind`)
  }
  assert.ok(point > 10, `the switch has crash points (${point})`)
  assert.ok(seen.old > 0 && seen.new > 0, JSON.stringify(seen))
  // And without the explicit repair: the next render repairs, whatever step the last one died at.
  for (const p of [2, 5, point - 2, point - 1]) {
    await render(v1, out)
    assert.is(renderCli(v2, out, { BAI_SEED_TEST_CRASH_POINT: String(p) }).signal, 'SIGKILL')
    const r = renderCli(v2, out, {})
    assert.is(r.status, 0, r.stderr)
    if (p < point - 1) assert.match(r.stderr, /was stopped half-way; it was (rolled back|completed) first/)
    else assert.match(r.stderr, /removed 1 staging folder\(s\) of stopped runs/)
    assert.equal(snapshot(out), fresh)
    assert.equal(leftovers(out), [])
  }
})

test('an identical re-render killed at every step never loses a node (the staged manifest, not its hash, tells the commit)', async () => {
  const v1 = inventoryOf(hostsOf(4))
  const out = join(tempDir('crash-same'), 'out')
  await render(v1, out)
  const old = snapshot(out)
  let point = 1
  for (; point < 60; point++) {
    const r = renderCli(v1, out, { BAI_SEED_TEST_CRASH_POINT: String(point) })
    if (r.status === 0) break
    assert.is(r.signal, 'SIGKILL', `point ${point}: ${r.stderr}`)
    recoverOutput(out)
    assert.equal(snapshot(out), old, `point ${point}: every node there, as it was`)
    assert.equal(manifestProblems(out), [], `point ${point}`)
    await render(v1, out)
    assert.equal(snapshot(out), old, `point ${point}: the next render keeps every node`)
  }
  assert.ok(point > 8, `the switch has crash points (${point})`)
})

test('a large render killed at moments spread over its run', async () => {
  const v1 = inventoryOf(hostsOf(60))
  const v2 = inventoryOf(hostsOf(60), '10.9.0.2')
  const refOut = join(tempDir('kill-ref'), 'out')
  await render(v1, refOut, true)
  const old = snapshot(refOut)
  const newOut = join(tempDir('kill-ref'), 'out')
  const t0 = Date.now()
  await render(v2, newOut, true)
  const fresh = snapshot(newOut)
  const duration = Math.max(Date.now() - t0, 300)
  const out = join(tempDir('kill'), 'out')
  await render(v1, out, true)
  for (let k = 1; k <= 8; k++) {
    const child = spawn(process.execPath, [binRun, 'render', '-c', v2, '-o', out], { stdio: 'ignore', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } })
    const started = Date.now()
    // Node's start-up first, then k eighths of a render.
    await new Promise((r) => setTimeout(r, 150 + (duration * k) / 8))
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    recoverOutput(out)
    const now = JSON.stringify(snapshot(out))
    assert.ok(now === JSON.stringify(old) || now === JSON.stringify(fresh), `kill after ${Date.now() - started} ms: mixed output`)
    assert.equal(manifestProblems(out), [])
    assert.equal(leftovers(out).filter((n) => !n.startsWith('.staging-')), [])
    if (now === JSON.stringify(fresh)) await render(v1, out, true)
  }
  await render(v2, out, true)
  assert.equal(snapshot(out), fresh)
  assert.equal(leftovers(out), [])
})

test.run()
