// One-shot installs: the installer reports its finished install to `bai-seed serve` at its node's report URL (the
// kernel command line's bai_seed.done=), serve writes the install marker and stores the node's `installed` event, `bai-seed pxe` keeps it (and the operator's files in out/pxe/), `pxe --reinstall` removes
// it. The loaders' reading of the marker is proven in qemu (test/e2e/pxe-boot.test.ts).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { exampleInventory, fixtures, tempDir } from '../../helpers/repo.js'
import { nodeToken, readNodeKey } from '../../../src/serve/node-token.js'
import { runCli } from '../../helpers/run-cli.js'
import { startStaticServer } from '../../../src/serve/static-server.js'
import type { AccessLogEntry } from '../../../src/serve/access-log.js'
import { formatAccessLog } from '../../../src/serve/access-log.js'
import { readStatusStore } from '../../../src/fleet/event-log.js'

const BASE = 'http://10.20.30.5:8080/'
const MARKER = 'pxe/installed/01-52-54-00-20-30-20'

function send(port: number, path: string, method: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** The report URL the kernel command line of bai-a01 carries, as a path on the server. */
function donePath(out: string, host: string): string {
  const m = new RegExp(`bai_seed\\.done=${BASE.replace(/[^A-Za-z0-9]/g, '\\$&')}(report/${host}/[A-Za-z0-9_-]{22})`).exec(
    readFileSync(join(out, 'pxe', 'ipxe', `${host}.ipxe`), 'utf8'),
  )
  assert.ok(m, 'the iPXE script carries bai_seed.done=')
  return `/${m![1]}`
}

test('report, marker, pxe again keeps it and the operator files, --reinstall removes it', async () => {
  const out = join(tempDir('oneshot'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  assert.is(runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE]).status, 0)
  const key = join(out, '.bai-seed-key')
  assert.is(statSync(key).mode & 0o777, 0o600, 'the key is private')
  const path = donePath(out, 'bai-a01')
  // The same key gives the same tokens: pxe again writes the same files.
  const grub = readFileSync(join(out, 'pxe', 'grub', 'grub.cfg'), 'utf8')

  const log: AccessLogEntry[] = []
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
  try {
    assert.is((await send(server.port, '/.bai-seed-key', 'GET')).status, 404, 'the key is never served')
    assert.is((await send(server.port, path.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAA'), 'POST')).status, 403)
    assert.is((await send(server.port, path.replace('bai-a01', 'bai-a02'), 'POST')).status, 403, "another node's token")
    assert.is((await send(server.port, '/report/nosuch/AAAAAAAAAAAAAAAAAAAAAA', 'POST')).status, 404)
    assert.is((await send(server.port, path, 'GET')).status, 404, 'a GET of the report URL writes nothing')
    assert.is((await send(server.port, '/bai-a01/autoinstall/user-data', 'POST')).status, 405)
    assert.not.ok(existsSync(join(out, MARKER)))
    const ok = await send(server.port, path, 'POST')
    assert.is(ok.status, 200, ok.body)
    assert.match(ok.body, /bai-a01 \(52:54:00:20:30:20\) boots from its local disk/)
    const marker = readFileSync(join(out, MARKER), 'utf8')
    assert.match(marker, /^SAY bai-seed: bai-a01 reported a finished install/m)
    assert.match(marker, /^DEFAULT local\nLABEL local\n  LOCALBOOT 0\n$/m)
    // One mechanism: the marker's report is the node's `installed` event in the status store, shown as rebooting.
    assert.equal(readStatusStore(out).get('bai-a01')!.events.map((e) => `${e.source}:${e.kind}`), ['installer:installed'])
    const status = (await (await fetch(`http://127.0.0.1:${server.port}/status/bai-a01.json`)).json()) as { state: string }
    assert.is(status.state, 'rebooting')
    assert.is((await send(server.port, `/${MARKER}`, 'GET')).status, 200, 'iPXE fetches the marker over HTTP')
    assert.is((await send(server.port, '/pxe/ipxe/bai-a01.ipxe', 'GET')).status, 200)
    await new Promise((r) => setTimeout(r, 50))
  } finally {
    await server.close()
  }
  const lines = log.map(formatAccessLog)
  assert.ok(lines.some((l) => / POST \/report\/bai-a01\/- 200 \d+ node=bai-a01$/.test(l)), lines.join('\n'))
  assert.not.ok(lines.some((l) => l.includes(path)), 'the token is not logged')
  assert.ok(lines.some((l) => / GET \/pxe\/ipxe\/bai-a01\.ipxe 200 \d+ node=bai-a01 allow=public$/.test(l)), 'the iPXE script names its node')

  // The operator's files in the TFTP root and the marker survive pxe writing the tree again.
  mkdirSync(join(out, 'pxe', 'casper'), { recursive: true })
  writeFileSync(join(out, 'pxe', 'casper', 'vmlinuz'), 'kernel')
  writeFileSync(join(out, 'pxe', 'pxelinux.0'), 'loader')
  const again = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE])
  assert.is(again.status, 0, again.stderr)
  assert.match(again.stderr, /warning\[PXE\] bai-a01: reported a finished install; it boots from its local disk until bai-seed pxe --reinstall bai-a01/)
  assert.not.match(again.stderr, /casper\/vmlinuz is missing/)
  assert.match(again.stderr, /casper\/initrd is missing/)
  assert.is(readFileSync(join(out, 'pxe', 'casper', 'vmlinuz'), 'utf8'), 'kernel')
  assert.is(readFileSync(join(out, 'pxe', 'pxelinux.0'), 'utf8'), 'loader')
  assert.ok(existsSync(join(out, MARKER)))
  assert.is(readFileSync(join(out, 'pxe', 'grub', 'grub.cfg'), 'utf8'), grub, 'same key, same files')

  const r = runCli(['pxe', '-o', out, '--reinstall', 'bai-a01'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /bai-a01: will install again at the next network boot/)
  assert.not.ok(existsSync(join(out, MARKER)))
  const twice = runCli(['pxe', '-o', out, '--reinstall', 'bai-a01'])
  assert.is(twice.status, 0)
  assert.match(twice.stderr, /warning\[PXE\] bai-a01 had not reported a finished install; nothing to undo/)
  const bad = runCli(['pxe', '-o', out, '--reinstall', 'nosuch'])
  assert.is(bad.status, 2)
  assert.match(bad.stderr, /error\[UNKNOWN_NODE\] --reinstall nosuch: no such node in .*nodes\.json \(nodes: bai-m1, bai-a01, bai-a02\)/)
})

test('with reporting, a node\'s seed holds its report token: owner-only, and its boot entries carry its seed token', async () => {
  const out = join(tempDir('oneshot'), 'out')
  const inventory = join(fixtures, 'reporting.yaml')
  assert.is(runCli(['render', '-c', inventory, '-o', out, '--no-iso']).status, 0)
  assert.is(runCli(['pxe', '-c', inventory, '-o', out, '--http-base', BASE]).status, 0)
  const key = readNodeKey(out)!
  const seedPath = `/bai-a01/${nodeToken(key, 'seed', 'bai-a01')}/autoinstall/`
  assert.is(statSync(join(out, 'bai-a01', 'autoinstall', 'user-data')).mode & 0o777, 0o600)
  assert.ok(readFileSync(join(out, 'pxe', 'ipxe', 'bai-a01.ipxe'), 'utf8').includes(`s=${BASE}${seedPath.slice(1)}`), 'the seed URL with the token')
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {} })
  try {
    assert.is((await send(server.port, `${seedPath}user-data`, 'GET')).status, 200)
    assert.is((await send(server.port, '/bai-a01/autoinstall/user-data', 'GET')).status, 403)
  } finally {
    await server.close()
  }
})

test('a marker of a MAC that now belongs to another node is dropped', () => {
  const out = join(tempDir('oneshot'), 'out')
  assert.is(runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE]).status, 0)
  mkdirSync(join(out, 'pxe', 'installed'), { recursive: true })
  writeFileSync(join(out, MARKER), 'SAY bai-seed: old-node reported a finished install; booting from the local disk\n')
  assert.is(runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE]).status, 0)
  assert.not.ok(existsSync(join(out, MARKER)))
})

test.run()
