// serve's own writes: the install marker (and its temporary file) is written beneath the output folder only, never
// through a planted symbolic link (at pxe/, pxe/installed/, the marker itself, or .bai-seed/ where the lock lives); and
// a report that arrives while `bai-seed pxe` swaps its tree waits for the swap (the output folder's lock) instead of
// being acknowledged and then lost. The swap is slowed down with strace's fault injection (every rename delayed), so
// the report lands inside it every time.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { markInstalled } from '../../src/write/pxe-state.js'
import { readStatusStore } from '../../src/fleet/event-log.js'
import { createFileBeneath, replaceFileBeneath } from '../../src/write/write-beneath.js'
import { acquireOutputLock } from '../../src/write/output-lock.js'
import { binRun, tempDir } from '../helpers/repo.js'
import { requireTool } from '../helpers/tools.js'
import { ENV, HTTP_BASE, MAC, MARKER, NODE, pxeFixture, send, sleep, type PxeFixture } from './serve-fixture.js'

let fx: PxeFixture
let server: RunningServer
let outside = ''

test.before(async () => {
  fx = await pxeFixture()
  outside = tempDir('outside')
  server = await startStaticServer({ root: fx.out, host: '127.0.0.1', port: 0, log: () => {} })
})

test.after(async () => {
  await server.close()
})

const markerFile = (): string => join(fx.out, MARKER)
const installedDir = (): string => join(fx.out, 'pxe', 'installed')

function clearMarker(): void {
  rmSync(markerFile(), { force: true })
}

test('write-beneath: a link at any component below the root is refused, a link at the file is replaced, not followed', () => {
  const root = tempDir('beneath')
  mkdirSync(join(root, 'a'))
  symlinkSync(outside, join(root, 'link'))
  assert.throws(() => replaceFileBeneath(root, ['link', 'f'], 'x', 0o644), /ENOTDIR|ELOOP/)
  assert.throws(() => createFileBeneath(root, ['link', 'f'], 'x', 0o600), /ENOTDIR|ELOOP/)
  writeFileSync(join(outside, 'victim'), 'untouched\n')
  symlinkSync(join(outside, 'victim'), join(root, 'a', 'f'))
  replaceFileBeneath(root, ['a', 'f'], 'new\n', 0o644)
  assert.ok(lstatSync(join(root, 'a', 'f')).isFile(), 'the link was replaced by a file')
  assert.is(readFileSync(join(outside, 'victim'), 'utf8'), 'untouched\n')
  symlinkSync(join(outside, 'made-by-link'), join(root, 'a', 'g'))
  assert.throws(() => createFileBeneath(root, ['a', 'g'], 'x', 0o600), /EEXIST/)
  assert.not.ok(existsSync(join(outside, 'made-by-link')))
  assert.throws(() => replaceFileBeneath(root, ['a', '..', 'f'], 'x', 0o644), /not a file name/)
  assert.equal(readdirSync(join(root, 'a')).sort(), ['f', 'g'], 'no temporary file is left')
})

test('a symlinked pxe/installed/: the report is refused (503), nothing is written outside the folder', async () => {
  clearMarker()
  rmSync(installedDir(), { recursive: true, force: true })
  const evil = join(outside, 'installed')
  mkdirSync(evil)
  symlinkSync(evil, installedDir())
  try {
    const r = await send(server.port, fx.donePath, 'POST')
    assert.is(r.status, 503, r.body)
    assert.equal(readdirSync(evil), [], 'no marker and no temporary file outside')
    assert.not.ok(readStatusStore(fx.out).get(NODE)?.events.some((e) => e.kind === 'installed'), 'no installed event without its marker')
  } finally {
    rmSync(installedDir())
  }
})

test('a symlinked pxe/ and a symlinked .bai-seed/ (the lock): refused, nothing written outside', async () => {
  clearMarker()
  const copy = join(outside, 'pxe-copy')
  renameSync(join(fx.out, 'pxe'), copy)
  symlinkSync(copy, join(fx.out, 'pxe'))
  try {
    assert.is((await send(server.port, fx.donePath, 'POST')).status, 503)
    assert.not.ok(existsSync(join(copy, 'installed', '01-52-54-00-aa-bb-cc')))
  } finally {
    rmSync(join(fx.out, 'pxe'))
    renameSync(copy, join(fx.out, 'pxe'))
  }
  const state = join(fx.out, '.bai-seed')
  const stateCopy = join(outside, 'state')
  renameSync(state, stateCopy)
  symlinkSync(stateCopy, state)
  try {
    const before = readdirSync(stateCopy).sort()
    const r = await send(server.port, fx.donePath, 'POST')
    assert.is(r.status, 503, r.body)
    assert.equal(readdirSync(stateCopy).sort(), before, 'no lock made through the link')
    assert.not.ok(existsSync(markerFile()), 'not recorded without the lock')
  } finally {
    rmSync(state)
    renameSync(stateCopy, state)
  }
})

test('a symlink planted at the marker is replaced by the marker; its target is untouched', async () => {
  clearMarker()
  mkdirSync(installedDir(), { recursive: true })
  writeFileSync(join(outside, 'victim'), 'untouched\n')
  symlinkSync(join(outside, 'victim'), markerFile())
  const r = await send(server.port, fx.donePath, 'POST')
  assert.is(r.status, 200, r.body)
  assert.ok(lstatSync(markerFile()).isFile())
  assert.match(readFileSync(markerFile(), 'utf8'), /bai-all reported a finished install/)
  assert.is(readFileSync(join(outside, 'victim'), 'utf8'), 'untouched\n')
  assert.equal(readdirSync(installedDir()), ['01-52-54-00-aa-bb-cc'], 'no temporary file left')
})

test('the lock serve takes is never made or removed through a link, also when .bai-seed/ is swapped while held', async () => {
  const root = tempDir('lock')
  const lock = await acquireOutputLock(root, 0)
  const state = join(root, '.bai-seed')
  const elsewhere = join(outside, 'state-elsewhere')
  mkdirSync(elsewhere)
  writeFileSync(join(elsewhere, 'lock'), 'not bai-seed\'s\n')
  renameSync(state, join(root, 'state-moved'))
  symlinkSync(elsewhere, state)
  lock.release()
  assert.is(readFileSync(join(elsewhere, 'lock'), 'utf8'), 'not bai-seed\'s\n', 'the file behind the link is untouched')
  assert.not.ok(await acquireOutputLock(root, 0).then(() => true, () => false), 'refused while .bai-seed/ is a link')
  assert.equal(readdirSync(elsewhere), ['lock'])
})

/** The pid in .bai-seed/lock, or null. */
function lockHolder(): number | null {
  try {
    return (JSON.parse(readFileSync(join(fx.out, '.bai-seed', 'lock'), 'utf8')) as { pid: number }).pid
  } catch {
    return null
  }
}

test('a report during a slowed pxe swap waits for it and is kept; a short wait answers 503, not 200', async () => {
  requireTool('strace')
  clearMarker()
  const child = spawn(
    'strace',
    ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename,renameat,renameat2', '-e', 'inject=rename,renameat,renameat2:delay_enter=400000',
      // Another --http-base than the fixture's: the tree changes, so the run swaps it in (a run that changes nothing
      // renames nothing and leaves the tree as it is).
      process.execPath, binRun, 'pxe', '-c', fx.inventory, '-o', fx.out, '--http-base', `${HTTP_BASE.replace(/\/$/, '')}/moved/`],
    { env: { ...process.env, ...ENV }, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  try {
    let holder: number | null = null
    for (let i = 0; i < 600 && (holder === null || holder === process.pid); i++) {
      await sleep(20)
      holder = lockHolder()
    }
    assert.ok(holder !== null && holder !== process.pid, `pxe took the lock (${stderr})`)
    // What the report route does first (fleet-routes.ts), with a short wait: no marker while the swap holds the folder.
    assert.not.ok(await markInstalled(fx.out, { hostname: NODE, mac: MAC }, 50).then(() => true, () => false), 'not recorded while the swap holds the folder')
    assert.not.ok(existsSync(markerFile()))
    const sent = send(server.port, fx.donePath, 'POST')
    let answeredAt = 0
    void sent.then(() => (answeredAt = performance.now()))
    const code = await exited
    const exitedAt = performance.now()
    assert.is(code, 0, stderr)
    const r = await sent
    assert.is(r.status, 200, r.body)
    assert.ok(answeredAt >= exitedAt - 100 || lockHolder() === null, 'answered once the swap was over')
    assert.ok(existsSync(markerFile()), 'the acknowledged report is in the new tree')
    assert.match(readFileSync(markerFile(), 'utf8'), /bai-all reported a finished install/)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})

test.run()
