// Large renders make and write their files in a worker thread; the result must be the very same as writing them
// on the main thread: same files, bytes, modes, times and manifest. Failures in the worker leave the output folder
// as it was, like failures on the main thread.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { planFromInput, PARALLEL_WRITE_NODES } from '../../src/pipeline/render-cluster.js'
import { renderNode } from '../../src/render/render-node.js'
import { writeOutput, type NodeOutput } from '../../src/write/output-dir.js'
import { tempDir } from '../helpers/repo.js'

const EPOCH = 1_700_000_000

function inventory(nodes: number): string {
  const lines = ['cluster: {name: par, domain: cluster.internal, release: "24.09"}', 'network: {subnet: 10.9.0.0/16, gateway: 10.9.0.1, dns: [10.9.0.1]}', 'storage: {type: local}', 'nodes:']
  for (let i = 0; i < nodes; i++) {
    const role = i === 0 ? 'manager' : i % 3 ? 'agent-gpu' : 'agent'
    lines.push(`  - {hostname: n${i}, ip: 10.9.${1 + (i >> 7)}.${10 + (i & 127)}/16, roles: [${role}]}`)
  }
  const file = join(tempDir('par-inv'), 'cluster.yaml')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

function renderedNodes(nodes: number): NodeOutput[] {
  const { plans, diagnostics } = planFromInput({ inventoryFile: inventory(nodes), profileDirs: [], only: [], powerOffWhenDone: false, env: {} })
  assert.equal(diagnostics.filter((d) => d.severity === 'error'), [])
  return plans.map((p) => ({ hostname: p.hostname, artifacts: renderNode(p) }))
}

/** path -> sha256 and mode of every file under dir (files on disk carry the real time of writing). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p, `${rel}${name}/`)
      else {
        out[`${rel}${name}`] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(st.mode & 0o777).toString(8)}`
      }
    }
  }
  walk(dir, '')
  return out
}

test('the worker thread writes exactly what the main thread writes', async () => {
  const nodes = renderedNodes(PARALLEL_WRITE_NODES + 4)
  const direct = join(tempDir('par-direct'), 'out')
  const parallel = join(tempDir('par-worker'), 'out')
  const a = (await writeOutput(nodes, { dir: direct, epoch: EPOCH, seedIsos: true, parallel: false })).manifest
  const b = (await writeOutput(nodes, { dir: parallel, epoch: EPOCH, seedIsos: true, parallel: true })).manifest
  assert.equal(b, a)
  assert.is(a.files.length, nodes.length * 8)
  const [got, want] = [snapshot(parallel), snapshot(direct)]
  assert.equal(Object.keys(got), Object.keys(want))
  for (const path of Object.keys(want)) assert.is(got[path], want[path], path)
  assert.equal(readdirSync(parallel).filter((n) => n.startsWith('.')), ['.bai-seed'], 'no staging folder left')
  // Hashes the writer took from the renderer (user-data) or computed match the bytes on disk.
  for (const f of b.files) assert.is(createHash('sha256').update(readFileSync(join(parallel, f.path))).digest('hex'), f.sha256, f.path)
})

test('a failure in either writer leaves the output folder as it was', async () => {
  const nodes = renderedNodes(3)
  // The same node twice: its second folder cannot be created over the first.
  const twice = [...nodes, nodes[1]!]
  for (const parallel of [false, true]) {
    const dir = join(tempDir('par-fail'), 'out')
    await writeOutput(nodes.slice(0, 1), { dir, epoch: EPOCH, parallel })
    const before = snapshot(dir)
    let error: unknown
    try {
      await writeOutput(twice, { dir, epoch: EPOCH, seedIsos: true, parallel })
    } catch (e) {
      error = e
    }
    assert.ok(error instanceof Error, `parallel=${parallel}: the write fails`)
    assert.is((error as NodeJS.ErrnoException).code, 'EEXIST', `parallel=${parallel}: ${(error as Error).message}`)
    assert.equal(snapshot(dir), before, `parallel=${parallel}: output untouched`)
    assert.ok(!existsSync(join(dir, nodes[1]!.hostname)))
  }
})

test.run()
