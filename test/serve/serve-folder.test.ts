// What `bai-seed serve` serves: only an output folder bai-seed wrote (its manifest.json), so `serve -o /etc` hands out
// nothing; `--any-folder` serves any folder on purpose. The manifest is read like render reads it (no link, a regular
// file, a size cap) and only when it changed: replaced by a link to /dev/zero or by a huge file, it is never read,
// however many requests come, and the server keeps answering with the last good list of nodes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { runCli } from '../helpers/run-cli.js'
import { startStaticServer } from '../../src/serve/static-server.js'
import { NodeFolders, RECHECK_MS, RELOAD_MIN_MS } from '../../src/serve/node-folders.js'
import { SERVE_MANIFEST_MAX_BYTES } from '../../src/serve/served-folder.js'
import type { AccessLogEntry } from '../../src/serve/access-log.js'
import { send, sleep, startCli } from './serve-fixture.js'

test('serve -o /etc is refused (exit 2, nothing served); the library refuses it too', async () => {
  const r = runCli(['serve', '-o', '/etc', '--port', '0'])
  assert.is(r.status, 2, r.stdout + r.stderr)
  assert.match(r.stderr, /error\[NOT_OUTPUT\] \/etc\/ holds no manifest\.json written by bai-seed .* pass --any-folder to serve this folder anyway/)
  assert.not.match(r.stdout, /serving/)
  let error: unknown
  await startStaticServer({ root: '/etc', host: '127.0.0.1', port: 0, log: () => {} }).catch((e) => (error = e))
  assert.match(String(error), /holds no manifest\.json written by bai-seed/)
})

test('a manifest that is not bai-seed\'s (another generator, a link to one) does not make a folder servable', async () => {
  const out = await renderFixture(exampleInventory)
  const real = join(out, 'manifest.json')
  const text = readFileSync(real, 'utf8')
  writeFileSync(real, text.replace(/"generator": "bai-seed [^"]*"/, '"generator": "someone else"'))
  assert.not.ok(await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {} }).then((s) => s.close().then(() => true), () => false))
  rmSync(real)
  writeFileSync(join(out, 'elsewhere.json'), text)
  symlinkSync(join(out, 'elsewhere.json'), real)
  assert.not.ok(await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {} }).then((s) => s.close().then(() => true), () => false))
})

test('--any-folder serves a folder bai-seed did not write, on purpose', async () => {
  const cli = await startCli(['-o', '/etc', '--any-folder'])
  try {
    const r = await send(cli.port, '/hostname')
    assert.is(r.status, 200)
  } finally {
    assert.is(await cli.stop(), 0)
  }
})

test('manifest.json replaced by a link to /dev/zero or a huge file: never read, requests answered, nodes kept', async () => {
  const out = await renderFixture(exampleInventory)
  const manifest = join(out, 'manifest.json')
  const log: AccessLogEntry[] = []
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
  const saved = join(out, '.manifest-saved')
  renameSync(manifest, saved)
  try {
    const hammer = async (what: string): Promise<void> => {
      // Longer than the recheck and reload intervals, many requests.
      const until = performance.now() + Math.max(RECHECK_MS, RELOAD_MIN_MS) * 2
      let n = 0
      while (performance.now() < until) {
        const started = performance.now()
        const r = await send(server.port, '/bai-a01/autoinstall/meta-data')
        assert.is(r.status, 200, what)
        assert.ok(performance.now() - started < 2000, `${what}: answered at once`)
        n++
      }
      assert.ok(n >= 10, `${what}: ${n} requests`)
      await sleep(20)
      assert.is(log.at(-1)!.node, 'bai-a01', `${what}: the last good list of nodes is kept`)
    }
    symlinkSync('/dev/zero', manifest)
    await hammer('/dev/zero')
    rmSync(manifest)
    writeFileSync(manifest, '')
    truncateSync(manifest, SERVE_MANIFEST_MAX_BYTES + 1)
    await hammer('a huge file')
  } finally {
    rmSync(manifest, { force: true })
    renameSync(saved, manifest)
    await server.close()
  }
})

test('the manifest is read once at the start, then once per change, not per request', async () => {
  const out = await renderFixture(exampleInventory)
  const folders = new NodeFolders(out)
  assert.is(folders.reads, 1)
  for (let i = 0; i < 1000; i++) assert.is(folders.nodeOf(['bai-a01']), 'bai-a01')
  await sleep(Math.max(RECHECK_MS, RELOAD_MIN_MS) + 50)
  for (let i = 0; i < 1000; i++) folders.nodeOf(['bai-a01'])
  assert.is(folders.reads, 1, 'unchanged: not read again')
  const manifest = join(out, 'manifest.json')
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/"bai-a01\//g, '"bai-b01/'))
  await sleep(Math.max(RECHECK_MS, RELOAD_MIN_MS) + 50)
  for (let i = 0; i < 1000; i++) folders.nodeOf(['bai-b01'])
  assert.is(folders.reads, 2, 'changed: read once')
  assert.is(folders.nodeOf(['bai-b01']), 'bai-b01')
  assert.is(folders.nodeOf(['bai-a01']), null)
})

test.run()
