// Secrets over the network: which addresses `bai-seed serve` answers (--allow, default the recorded inventory subnet
// and loopback), one-shot seed URLs (closed once the node reported its finished install), owner-only files outside node
// folders (an installer ISO) only with their folder's token, token guesses stopped, a seed URL bound to the address
// that used it first, and no token in any log line. Real sockets on loopback (127.0.0.0/8 gives many source addresses).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { formatAccessLog, type AccessLogEntry } from '../../src/serve/access-log.js'
import { nodeToken, readNodeKey } from '../../src/serve/node-token.js'
import { readNetworks } from '../../src/write/network-state.js'
import { markInstalled } from '../../src/write/pxe-state.js'
import { TOKEN_FAILURES } from '../../src/serve/token-guard.js'
import { RECHECK_MS } from '../../src/serve/installed-nodes.js'
import { MAC, MARKER, NODE, pxeFixture, send, sleep, startCli, type PxeFixture } from './serve-fixture.js'
import { runCli } from '../helpers/run-cli.js'
import { existsSync } from 'node:fs'

let fx: PxeFixture
const log: AccessLogEntry[] = []
let server: RunningServer

test.before(async () => {
  fx = await pxeFixture()
  server = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
})

test.after(async () => {
  await server.close()
})

test('render records the inventory subnet; the default allow list is it and loopback', async () => {
  assert.equal(readNetworks(fx.out), ['192.168.50.0/24'])
  assert.equal(server.allowed, { cidrs: ['192.168.50.0/24', '127.0.0.0/8', '::1/128'], recorded: true })
  assert.is((await send(server.port, '/bai-all/autoinstall/meta-data', 'GET', '127.0.0.9')).status, 200, 'any loopback address')
})

test('--allow replaces the default; another address gets 403 before its request is read, and a log line', async () => {
  const own: AccessLogEntry[] = []
  const s = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, allow: ['127.0.0.2/32', '10.0.0.0/8'], log: (e) => own.push(e) })
  try {
    assert.is((await send(s.port, '/bai-all/autoinstall/meta-data', 'GET', '127.0.0.2')).status, 200)
    const refused = await send(s.port, '/bai-all/autoinstall/meta-data', 'GET', '127.0.0.3')
    assert.is(refused.status, 403)
    assert.match(refused.body, /this address may not use this server/)
    const seed = await send(s.port, fx.seedPath, 'GET', '127.0.0.3')
    assert.is(seed.status, 403, 'a refused address gets no seed, token or not')
    assert.not.match(seed.body, /autoinstall/)
    await sleep(50)
    const lines = own.map(formatAccessLog)
    assert.is(lines.filter((l) => / 127\.0\.0\.3 - - 403 \d+ node=- refused=address$/.test(l)).length, 2, lines.join('\n'))
    assert.is(s.guard.counts.refusedAddress, 2)
  } finally {
    await s.close()
  }
  let error: unknown
  await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, allow: ['10.0.0.0/33'], log: () => {} }).catch((e) => (error = e))
  assert.match(String(error), /--allow 10\.0\.0\.0\/33: expected an address or CIDR/)
})

test('a folder rendered before subnets were recorded: loopback only, and the CLI says so', async () => {
  rmSync(join(fx.out, '.bai-seed', 'networks.json'))
  const s = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, log: () => {} })
  try {
    assert.equal(s.allowed, { cidrs: ['127.0.0.0/8', '::1/128'], recorded: false })
  } finally {
    await s.close()
  }
  const cli = await startCli(['-o', fx.out])
  assert.is(await cli.stop(), 0)
  assert.match(cli.stderr(), /warning\[SERVE_ALLOW\] .* records no inventory subnet .* only loopback may connect; render again or pass --allow CIDR/)
  assert.match(cli.stdout(), /serving .* to 127\.0\.0\.0\/8, ::1\/128 \(Ctrl-C to stop\)/)
  writeFileSync(join(fx.out, '.bai-seed', 'networks.json'), '{"subnets": ["192.168.50.0/24"]}\n', { mode: 0o600 })
})

test('one-shot: the seed URL answers until its node reports, then 410; --reinstall opens it again', async () => {
  log.length = 0
  const before = await send(server.port, fx.seedPath)
  assert.is(before.status, 200)
  assert.match(before.body, /autoinstall/)
  const report = await send(server.port, fx.donePath, 'POST')
  assert.is(report.status, 200, report.body)
  assert.ok(existsSync(join(fx.out, MARKER)))
  const after = await send(server.port, fx.seedPath)
  assert.is(after.status, 410, 'closed at once by the report this server recorded')
  assert.match(after.body, /reported its finished install: its seed URL is closed/)
  for (const file of ['autoinstall/meta-data', 'cloud-init/user-data', 'provision.sh']) {
    assert.is((await send(server.port, fx.seedPath.replace('autoinstall/user-data', file))).status, 410, file)
  }
  // A second server (a restart) reads the marker.
  const again = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, log: () => {} })
  try {
    assert.is((await send(again.port, fx.seedPath)).status, 410, 'after a restart too')
    const r = runCli(['pxe', '-o', fx.out, '--reinstall', NODE])
    assert.is(r.status, 0, r.stderr)
    await sleep(RECHECK_MS + 50)
    assert.is((await send(again.port, fx.seedPath)).status, 200, 'reopened by --reinstall')
  } finally {
    await again.close()
  }
  await sleep(RECHECK_MS + 50)
  assert.is((await send(server.port, fx.seedPath)).status, 200)
  // A marker recorded by markInstalled, whoever calls it (a fleet event, another route), closes the URL at once.
  await markInstalled(fx.out, { hostname: NODE, mac: MAC })
  assert.is((await send(server.port, fx.seedPath)).status, 410, 'closed at once, without waiting for the next look')
  assert.is(runCli(['pxe', '-o', fx.out, '--reinstall', NODE]).status, 0)
  await sleep(RECHECK_MS + 50)
  assert.is((await send(server.port, fx.seedPath)).status, 200)
  await sleep(50)
  const lines = log.map(formatAccessLog)
  assert.ok(lines.some((l) => / GET \/bai-all\/-\/autoinstall\/user-data 410 \d+ node=bai-all refused=installed$/.test(l)), lines.join('\n'))
  assert.ok(lines.some((l) => / POST \/report\/bai-all\/- 200 \d+ node=bai-all$/.test(l)), lines.join('\n'))
  const key = readNodeKey(fx.out)!
  for (const t of [nodeToken(key, 'seed', NODE), nodeToken(key, 'report', NODE)]) assert.not.ok(lines.some((l) => l.includes(t)), 'no token is logged')
})

test('an owner-only file outside node folders (an installer ISO with secrets) goes only with its folder token', async () => {
  mkdirSync(join(fx.out, 'installer'), { recursive: true })
  writeFileSync(join(fx.out, 'installer', 'lab-autoinstall.iso'), 'ISO with nocloud/nodes/*.yaml\n', { mode: 0o600 })
  const key = readNodeKey(fx.out)!
  const bare = await send(server.port, '/installer/lab-autoinstall.iso')
  assert.is(bare.status, 403)
  assert.match(bare.body, /use its URL with its folder's token/)
  const nodeTokenUrl = await send(server.port, `/installer/${nodeToken(key, 'seed', NODE)}/lab-autoinstall.iso`, 'GET', '127.0.0.4')
  assert.is(nodeTokenUrl.status, 403, "a node's token opens only its own folder")
  const ok = await send(server.port, `/installer/${nodeToken(key, 'seed', 'installer')}/lab-autoinstall.iso`, 'GET', '127.0.0.4')
  assert.is(ok.status, 200)
  assert.is(ok.body, 'ISO with nocloud/nodes/*.yaml\n')
  const printed = runCli(['serve', '-o', fx.out, '--port', String(server.port), '--url-of', 'installer/lab-autoinstall.iso'])
  assert.is(printed.status, 0, printed.stderr)
  assert.is(printed.stdout, `http://127.0.0.1:${server.port}/installer/${nodeToken(key, 'seed', 'installer')}/lab-autoinstall.iso\n`)
  assert.is(runCli(['serve', '-o', fx.out, '--url-of', '../etc/passwd']).status, 2)
  // The same ISO readable by others (no secret in it) goes to anyone.
  writeFileSync(join(fx.out, 'installer', 'public.iso'), 'no secrets\n', { mode: 0o644 })
  assert.is((await send(server.port, '/installer/public.iso')).status, 200)
})

test('token guesses: after TOKEN_FAILURES wrong tokens an address gets 429 for every token, others are unaffected', async () => {
  log.length = 0
  const guesser = '127.0.0.66'
  for (let i = 0; i < TOKEN_FAILURES; i++) {
    const guess = `/${NODE}/${'A'.repeat(21)}${String.fromCharCode(65 + i)}/autoinstall/user-data`
    assert.is((await send(server.port, guess, 'GET', guesser)).status, 403)
  }
  const blocked = await send(server.port, fx.seedPath, 'GET', guesser)
  assert.is(blocked.status, 429, 'the right token too, from the guessing address')
  assert.is((await send(server.port, fx.donePath, 'POST', guesser)).status, 429, 'reports too')
  assert.is((await send(server.port, fx.seedPath, 'GET', '127.0.0.1')).status, 200, 'another address')
  await sleep(50)
  const lines = log.map(formatAccessLog)
  assert.ok(lines.some((l) => / 127\.0\.0\.66 GET \/bai-all\/-\/autoinstall\/user-data 429 \d+ node=bai-all refused=guesses$/.test(l)))
  assert.is(lines.filter((l) => / 127\.0\.0\.66 GET \/bai-all\/-\/autoinstall\/user-data 403 \d+ node=bai-all refused=token$/.test(l)).length, TOKEN_FAILURES)
})

test('a seed URL answers only the address that used it first while that one keeps using it', async () => {
  const own = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, log: () => {} })
  try {
    assert.is((await send(own.port, fx.seedPath, 'GET', '127.0.0.20')).status, 200)
    const other = await send(own.port, fx.seedPath, 'GET', '127.0.0.21')
    assert.is(other.status, 403)
    assert.match(other.body, /in use by another address/)
    assert.is((await send(own.port, fx.seedPath, 'GET', '127.0.0.20')).status, 200)
  } finally {
    await own.close()
  }
})

test.run()
