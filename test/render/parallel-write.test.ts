// Large renders render and write their nodes on a pool of threads (src/pipeline/render-pool.ts); the result must
// be the very same as rendering and writing them on the main thread: same files, bytes, modes and manifest, whatever
// the number of threads. Failures in a thread leave the output folder as it was, like failures on the main thread.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { planFromInput, PARALLEL_WRITE_NODES } from '../../src/pipeline/render-cluster.js'
import { renderNode } from '../../src/render/render-node.js'
import { writeOutput, type NodeOutput } from '../../src/write/output-dir.js'
import { renderPool } from '../../src/pipeline/render-pool.js'
import type { NodePlan } from '../../src/model/plan.js'
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

function plansOf(nodes: number): NodePlan[] {
  const { plans, diagnostics } = planFromInput({ inventoryFile: inventory(nodes), profileDirs: [], only: [], powerOffWhenDone: false, env: {} })
  assert.equal(diagnostics.filter((d) => d.severity === 'error'), [])
  return plans
}

function renderedNodes(plans: NodePlan[]): NodeOutput[] {
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

test('the render threads write exactly what the main thread writes, with 1 and 3 threads', async () => {
  const plans = plansOf(PARALLEL_WRITE_NODES + 4)
  const direct = join(tempDir('par-direct'), 'out')
  const a = (await writeOutput(renderedNodes(plans), { dir: direct, epoch: EPOCH, seedIsos: true })).manifest
  assert.is(a.files.length, plans.length * 8)
  const want = snapshot(direct)
  for (const threads of [1, 3]) {
    const pooled = join(tempDir('par-pool'), 'out')
    let done = 0
    const b = (await writeOutput(plans, { dir: pooled, epoch: EPOCH, seedIsos: true, sink: (s) => renderPool(s, threads, () => done++) })).manifest
    assert.equal(b, a, `${threads} thread(s): the same manifest`)
    assert.is(done, plans.length, 'every node reported')
    const got = snapshot(pooled)
    assert.equal(Object.keys(got), Object.keys(want))
    for (const path of Object.keys(want)) assert.is(got[path], want[path], path)
    assert.equal(readdirSync(pooled).filter((n) => n.startsWith('.')), ['.bai-seed'], 'no staging folder left')
    // Hashes taken from the renderer (user-data) or computed match the bytes on disk.
    for (const f of b.files) assert.is(createHash('sha256').update(readFileSync(join(pooled, f.path))).digest('hex'), f.sha256, f.path)
  }
})

test('a failure in a render thread or on the main thread leaves the output folder as it was', async () => {
  const plans = plansOf(3)
  const nodes = renderedNodes(plans)
  // The same node twice: its second folder cannot be created over the first.
  for (const pooled of [false, true]) {
    const dir = join(tempDir('par-fail'), 'out')
    await writeOutput(nodes.slice(0, 1), { dir, epoch: EPOCH })
    const before = snapshot(dir)
    let error: unknown
    try {
      if (pooled) await writeOutput([...plans, plans[1]!], { dir, epoch: EPOCH, seedIsos: true, sink: (s) => renderPool(s, 1) })
      else await writeOutput([...nodes, nodes[1]!], { dir, epoch: EPOCH, seedIsos: true })
    } catch (e) {
      error = e
    }
    assert.ok(error instanceof Error, `pooled=${pooled}: the write fails`)
    assert.is((error as NodeJS.ErrnoException).code, 'EEXIST', `pooled=${pooled}: ${(error as Error).message}`)
    assert.equal(snapshot(dir), before, `pooled=${pooled}: output untouched`)
    assert.ok(!existsSync(join(dir, nodes[1]!.hostname)))
  }
})

test.run()
