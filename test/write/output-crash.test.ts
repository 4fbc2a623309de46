// kill -9 at every step of the switch from the old output to the new one, and at moments spread over a large
// render: afterwards the folder is wholly old or wholly new once repaired, its manifest matches the disk, and the
// next render repairs and completes it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { recoverOutput } from '../../src/write/output-journal.js'
import { hostsOf, inventoryOf, manifestProblems, snapshot } from './output-fixture.js'
import { requireTool } from '../helpers/tools.js'

async function render(inventoryFile: string, outDir: string, isos = false): Promise<void> {
  const r = await renderCluster({ inventoryFile, profileDirs: [], outDir, only: [], powerOffWhenDone: false, isos, env: { SOURCE_DATE_EPOCH: '1700000000' } })
  assert.ok(r.manifest, 'render')
}

function renderCli(inventory: string, out: string, env: NodeJS.ProcessEnv, isos = false) {
  const args = [binRun, 'render', '-c', inventory, '-o', out, ...(isos ? [] : ['--no-iso'])]
  return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env } })
}

// Dot-entries beside the nodes, and the temporaries in .bai-seed/ (the only place a run keeps them).
const leftovers = (out: string): string[] => [
  ...readdirSync(out).filter((n) => n.startsWith('.') && n !== '.bai-seed'),
  ...(existsSync(join(out, '.bai-seed')) ? readdirSync(join(out, '.bai-seed')).filter((n) => n.startsWith('tmp-')).map((n) => `.bai-seed/${n}`) : []),
]

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
    assert.equal(leftovers(out).filter((n) => !n.startsWith('.bai-seed/tmp-')), [], `point ${point}: nothing left behind`)
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

/** Runs `render` under strace, every rename(2) slowed down, killed (SIGKILL) on entry to the n-th one. */
function renderKilledAtRename(inventory: string, out: string, n: number): { status: number | null; renames: string[] } {
  const trace = join(tempDir('strace'), 'trace.txt')
  const r = spawnSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=rename,renameat,renameat2',
    '-e', 'inject=rename,renameat,renameat2:delay_enter=20000', '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${n}`,
    process.execPath, binRun, 'render', '-c', inventory, '-o', out, '--no-iso'], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } })
  const renames = readFileSync(trace, 'utf8').split('\n').filter((l) => /\brename(at2?)?\(/.test(l))
  return { status: r.status, renames }
}

/** Appends a line to every node's provision.sh, as a hand edit would: the files no longer match the manifest. */
function editEveryNode(out: string): void {
  for (const name of readdirSync(out)) {
    if (existsSync(join(out, name, 'provision.sh'))) appendFileSync(join(out, name, 'provision.sh'), '# edited by hand\n')
  }
}

test('every rename of a render, killed before it (strace): wholly old or new, no node ever lost, also for an identical manifest', async () => {
  requireTool('strace')
  // A changing render (every node's files, one node dropped, one added), and a re-render of the same input over hand
  // edits on every node: every node is swapped back and the staged manifest.json is byte for byte the one in place,
  // the case where comparing manifest hashes took a half-swapped node for committed and lost it.
  const v1 = inventoryOf(hostsOf(4))
  const base = join(tempDir('rename-base'), 'out')
  await render(v1, base)
  const edited = join(tempDir('rename-edited'), 'out')
  spawnSync('cp', ['-a', base, edited])
  editEveryNode(edited)
  const cases = [['changed', base, inventoryOf([...hostsOf(3), 'x9'], '10.9.0.2')], ['same manifest', edited, v1]] as const
  for (const [what, start, v2] of cases) {
    const old = snapshot(start)
    const oldProblems = manifestProblems(start)
    const refOut = join(tempDir('rename-ref'), 'out')
    await render(v2, refOut)
    const fresh = snapshot(refOut)
    let n = 1
    let total = 0
    for (; n < 60; n++) {
      const out = join(tempDir('rename'), 'out')
      spawnSync('cp', ['-a', start, out])
      const r = renderKilledAtRename(v2, out, n)
      if (r.status === 0) {
        total = r.renames.length
        break
      }
      assert.is(r.status, null, `${what}, rename ${n}: killed`)
      // The next run repairs first, then renders v2: the result is v2, with every node.
      const repaired = recoverOutput(out)
      const now = JSON.stringify(snapshot(out))
      const wasOld = now === JSON.stringify(old)
      assert.ok(wasOld || now === JSON.stringify(fresh), `${what}, killed before rename ${n} (${r.renames.at(-1)}): repaired (${repaired}) to neither wholly old nor wholly new`)
      assert.equal(manifestProblems(out), wasOld ? oldProblems : [], `${what}, rename ${n}`)
      await render(v2, out)
      assert.equal(snapshot(out), fresh, `${what}, rename ${n}: the next render gives the new output with every node`)
    }
    // The journal, two renames per replaced node, one per added or dropped node, and the manifest.
    assert.ok(total >= 8 && n === total + 1, `${what}: walked ${n - 1} of ${total} renames`)
    process.stdout.write(`${what}: killed before each of ${total} renames, every time wholly old or new\n`)
  }
  // A re-render that changes nothing switches nothing: not one rename.
  const same = join(tempDir('rename'), 'out')
  spawnSync('cp', ['-a', base, same])
  const r = renderKilledAtRename(v1, same, 1)
  assert.is(r.status, 0)
  assert.equal(r.renames, [])
})

test('a re-render of the same manifest killed at every step never loses a node (the staged manifest, not its hash, tells the commit)', async () => {
  const v1 = inventoryOf(hostsOf(4))
  const out = join(tempDir('crash-same'), 'out')
  await render(v1, out)
  const fresh = snapshot(out)
  let point = 1
  for (; point < 60; point++) {
    // Hand edits on every node: the render swaps every node back, with a manifest.json identical to the one in place.
    editEveryNode(out)
    const old = snapshot(out)
    const r = renderCli(v1, out, { BAI_SEED_TEST_CRASH_POINT: String(point) })
    if (r.status === 0) break
    assert.is(r.signal, 'SIGKILL', `point ${point}: ${r.stderr}`)
    recoverOutput(out)
    const now = JSON.stringify(snapshot(out))
    assert.ok(now === JSON.stringify(old) || now === JSON.stringify(fresh), `point ${point}: every node there, wholly old or new`)
    await render(v1, out)
    assert.equal(snapshot(out), fresh, `point ${point}: the next render keeps every node`)
    assert.equal(manifestProblems(out), [], `point ${point}`)
  }
  assert.ok(point > 8, `the switch has crash points (${point})`)
  assert.equal(snapshot(out), fresh)
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
    // Listened for at once: a render that ends before the kill has already exited when the kill comes.
    const exited = new Promise((r) => child.once('exit', r))
    const started = Date.now()
    // Node's start-up first, then k eighths of a render.
    await new Promise((r) => setTimeout(r, 150 + (duration * k) / 8))
    child.kill('SIGKILL')
    await exited
    recoverOutput(out)
    const now = JSON.stringify(snapshot(out))
    assert.ok(now === JSON.stringify(old) || now === JSON.stringify(fresh), `kill after ${Date.now() - started} ms: mixed output`)
    assert.equal(manifestProblems(out), [])
    assert.equal(leftovers(out).filter((n) => !n.startsWith('.bai-seed/tmp-')), [])
    if (now === JSON.stringify(fresh)) await render(v1, out, true)
  }
  await render(v2, out, true)
  assert.equal(snapshot(out), fresh)
  assert.equal(leftovers(out), [])
})

test.run()
