// Outputs that sync tools see (issue 22): a run that changes nothing leaves every file and folder as it was (same
// inode, same mtime: rsync's size+time check and `cp -u` find nothing to copy), manifest.json included; a render that
// changes one node writes only that node's changed files anew, its unchanged files keep their inode and mtime, and
// the other node folders are not swapped at all. Every check stats every file and folder before and after (find -printf
// %i %T@), with a pause in between so that a rewritten file would show a later mtime.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dump, load } from 'js-yaml'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { bundleCluster } from '../../src/pipeline/bundle-cluster.js'
import { writePxeTree } from '../../src/pipeline/pxe-cluster.js'
import { readManifest } from '../../src/write/manifest.js'
import { requireTool, run } from '../helpers/tools.js'

/** The example inventory; bai-a02 with one more sysctl value when `changed`. */
function inventory(changed: boolean): string {
  const inv = load(readFileSync(exampleInventory, 'utf8')) as Record<string, any>
  if (changed) inv.nodes.find((n: Record<string, any>) => n.hostname === 'bai-a02').overrides = { sysctl: { values: { 'vm.swappiness': 10 } } }
  const file = join(tempDir('sync-inv'), 'cluster.yaml')
  writeFileSync(file, dump(inv))
  return file
}

const request = (inventoryFile: string, outDir: string) => ({
  inventoryFile, profileDirs: [], outDir, only: [], powerOffWhenDone: false, isos: true, env: { SOURCE_DATE_EPOCH: '1700000000' },
})

/** inode and mtime (ns) of every file and folder under `dir` (bai-seed's own state in .bai-seed/ left out), by path. */
function stats(dir: string): Map<string, string> {
  requireTool('find')
  const out = new Map<string, string>()
  const r = run('find', [dir, '-mindepth', '1', '-not', '-path', `${dir}/.bai-seed`, '-not', '-path', `${dir}/.bai-seed/*`, '-printf', '%P %i %T@\\n'])
  assert.is(r.status, 0, r.stderr)
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [path, ino, time] = line.split(' ')
    out.set(path!, `${ino} ${time}`)
  }
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('render twice with the same input: no file or folder is touched, manifest.json included', async () => {
  const inv = inventory(false)
  const out = join(tempDir('sync'), 'out')
  assert.ok((await renderCluster(request(inv, out))).manifest)
  const before = stats(out)
  await sleep(1100)
  assert.ok((await renderCluster(request(inv, out))).manifest)
  const after = stats(out)
  assert.ok(before.has('manifest.json') && before.has('bai-a01/autoinstall.iso') && before.has('bai-m1/provision.sh'))
  assert.ok(before.size > 30, `${before.size} entries`)
  const moved = [...before].filter(([p, s]) => after.get(p) !== s).map(([p]) => p)
  assert.equal(moved, [], 'entries whose inode or mtime changed')
  assert.equal([...after.keys()].sort(), [...before.keys()].sort())
  process.stdout.write(`identical re-render: 0 of ${before.size} files and folders touched\n`)
})

test('one node changed: only its changed files are new; its unchanged files and the other nodes stay', async () => {
  const out = join(tempDir('sync'), 'out')
  await renderCluster(request(inventory(false), out))
  const before = stats(out)
  const m1 = new Map(readManifest(out)!.files.map((f) => [f.path, f]))
  await sleep(1100)
  await renderCluster(request(inventory(true), out))
  const after = stats(out)
  const m2 = new Map(readManifest(out)!.files.map((f) => [f.path, f]))
  assert.equal([...m2.keys()].sort(), [...m1.keys()].sort())
  const changed = [...m2.keys()].filter((p) => m1.get(p)!.sha256 !== m2.get(p)!.sha256).sort()
  assert.ok(changed.length > 0 && changed.every((p) => p.startsWith('bai-a02/')), changed.join(', '))
  assert.ok(changed.includes('bai-a02/provision.sh'))
  for (const path of m2.keys()) {
    if (changed.includes(path)) assert.is.not(after.get(path), before.get(path), `${path} was written anew`)
    else assert.is(after.get(path), before.get(path), `${path} kept its inode and mtime`)
  }
  // Folders of the nodes that did not change are not swapped; bai-a02's is (it is a new folder).
  for (const [path, st] of before) {
    if (!m1.has(path) && path !== 'manifest.json' && !path.startsWith('bai-a02')) assert.is(after.get(path), st, `folder ${path}`)
  }
  assert.is.not(after.get('bai-a02'), before.get('bai-a02'))
  assert.is.not(after.get('manifest.json'), before.get('manifest.json'), 'manifest.json is the new one')
  const kept = [...m2.keys()].filter((p) => p.startsWith('bai-a02/') && !changed.includes(p))
  process.stdout.write(`one node changed: ${changed.length} files written anew, ${kept.length} unchanged files of that node and ` +
    `${m2.size - changed.length - kept.length} of the others kept\n`)
})

test('a hand-edited file is put back, the unchanged file beside it stays', async () => {
  const inv = inventory(false)
  const out = join(tempDir('sync'), 'out')
  await renderCluster(request(inv, out))
  const script = join(out, 'bai-m1', 'provision.sh')
  const good = readFileSync(script, 'utf8')
  writeFileSync(script, good.replace('#!/bin/bash', '#!/bin/sh'))
  const other = stats(out).get('bai-m1/cloud-init/user-data')
  const otherNode = stats(out).get('bai-a01/provision.sh')
  await renderCluster(request(inv, out))
  assert.is(readFileSync(script, 'utf8'), good)
  assert.is(stats(out).get('bai-m1/cloud-init/user-data'), other, 'linked in, not written again')
  assert.is(stats(out).get('bai-a01/provision.sh'), otherNode)
})

test('pxe and bundle: a second run with the same input leaves their files and manifest.json untouched', async () => {
  const out = join(tempDir('sync'), 'out')
  const inv = inventory(false)
  await renderCluster(request(inv, out))
  const pxe = () => writePxeTree({ inventoryFile: inv, profileDirs: [], outDir: out, only: [], env: {}, flags: { httpBase: 'http://10.20.30.1:8080/', serveRoot: out } })
  const bundle = () => bundleCluster({ ...request(inv, out), format: 'tar.gz' })
  assert.ok((await pxe()).manifest)
  assert.ok((await bundle()).manifest)
  writeFileSync(join(out, 'pxe', 'operator-notes.txt'), 'mine\n')
  const before = stats(out)
  assert.ok(before.has('pxe/grub/grub.cfg') && before.has('bundle.tar.gz'))
  await sleep(1100)
  assert.ok((await pxe()).manifest)
  assert.ok((await bundle()).manifest)
  const after = stats(out)
  const moved = [...before].filter(([p, s]) => after.get(p) !== s).map(([p]) => p)
  assert.equal(moved, [], 'entries whose inode or mtime changed')
})

test.run()
