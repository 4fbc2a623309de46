// A node whose seed holds secrets boots from its token URL: the PXE entries carry <host>/<token>/autoinstall/,
// the same bytes on every run with the same key, `bai-seed serve` answers that URL, and nginx.conf opens only it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../../helpers/repo.js'
import { runCli } from '../../helpers/run-cli.js'
import { nodeToken, readNodeKey } from '../../../src/serve/node-token.js'
import { startStaticServer } from '../../../src/serve/static-server.js'

const BASE = 'http://10.0.0.1:8080/'

test('secret seeds: token in every boot entry, stable across runs, served only with it', async () => {
  const inv = join(tempDir('pxe-token'), 'cluster.yaml')
  writeFileSync(inv, readFileSync(join(fixtures, 'single-node.yaml'), 'utf8').replace('    interface: enp1s0\n', '    interface: enp1s0\n    mac: "52:54:00:aa:bb:cc"\n'))
  const out = join(tempDir('pxe-token'), 'out')
  const env = { BAI_TEST_PASSWORD: 'pw' }
  assert.is(runCli(['render', '-c', inv, '-o', out, '--no-iso'], env).status, 0)
  const r = runCli(['pxe', '-c', inv, '-o', out, '--http-base', BASE], env)
  assert.is(r.status, 0, r.stderr)
  const key = readNodeKey(out)!
  const token = nodeToken(key, 'seed', 'bai-all')
  const ipxe = readFileSync(join(out, 'pxe', 'ipxe', 'bai-all.ipxe'), 'utf8')
  assert.ok(ipxe.includes(`s=${BASE}bai-all/${token}/autoinstall/`), ipxe)
  assert.ok(readFileSync(join(out, 'pxe', 'grub', 'grub.cfg'), 'utf8').includes(`bai-all/${token}/autoinstall/`))
  const nginx = readFileSync(join(out, 'pxe', 'nginx.conf'), 'utf8')
  assert.ok(nginx.includes(`location ^~ /bai-all/${token}/ {\n        alias ${out}/bai-all/;`), nginx)
  assert.ok(nginx.includes('location ^~ /bai-all/ {\n        deny all;'))
  assert.is(runCli(['pxe', '-c', inv, '-o', out, '--http-base', BASE], env).status, 0)
  assert.is(readFileSync(join(out, 'pxe', 'ipxe', 'bai-all.ipxe'), 'utf8'), ipxe, 'the same key gives the same bytes')

  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {} })
  try {
    const seed = await fetch(`${server.url}bai-all/${token}/autoinstall/user-data`)
    assert.is(seed.status, 200)
    assert.is(await seed.text(), readFileSync(join(out, 'bai-all', 'autoinstall', 'user-data'), 'utf8'))
    const bare = await fetch(`${server.url}bai-all/autoinstall/user-data`)
    assert.is(bare.status, 403)
    await bare.text()
  } finally {
    await server.close()
  }
})

test('without secrets the seed URLs stay plain', () => {
  const out = join(tempDir('pxe-token'), 'out')
  const r = runCli(['pxe', '-c', join(fixtures, '..', '..', 'examples', 'cluster.yaml'), '-o', out, '--http-base', BASE])
  assert.is(r.status, 0, r.stderr)
  assert.match(readFileSync(join(out, 'pxe', 'ipxe', 'bai-a01.ipxe'), 'utf8'), /s=http:\/\/10\.0\.0\.1:8080\/bai-a01\/autoinstall\//)
})

test.run()
