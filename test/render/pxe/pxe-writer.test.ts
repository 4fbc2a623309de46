// `bai-seed pxe` writes like `render` (issue 19): out/pxe/ is shared with the operator (loaders, casper/, the ISO,
// loader configs of other machines), so pxe replaces or removes only the files manifest.json lists, refuses a file
// in its way that the manifest does not list, follows no planted symbolic link, and a kill at any step leaves the
// operator's files in place and the tree wholly old or wholly new once repaired.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { binRun, exampleInventory, tempDir } from '../../helpers/repo.js'
import { runCli } from '../../helpers/run-cli.js'
import { manifestProblems, snapshot } from '../../write/output-fixture.js'
import { recoverOutput } from '../../../src/write/output-journal.js'

const BASE = 'http://10.20.30.5:8080/'

/** Files an operator puts into out/pxe/ by hand, including names of the kinds pxe generates. */
const OPERATOR = {
  'pxe/pxelinux.cfg/01-aa-bb-cc-dd-ee-ff': 'DEFAULT local\n',
  'pxe/grub/grub.cfg-01-aa-bb-cc-dd-ee-ff': 'set default=0\n',
  'pxe/ipxe/other.ipxe': '#!ipxe\nexit\n',
  'pxe/casper/vmlinuz': 'kernel\n',
  'pxe/casper/initrd': 'initrd\n',
  'pxe/ubuntu-20.04.6-live-server-amd64.iso': 'iso\n',
  'pxe/grubnetx64.efi.signed': 'loader\n',
  'pxe/installed/README': 'operator note\n',
}

function plant(out: string, files: Record<string, string> = OPERATOR): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(out, path)), { recursive: true })
    writeFileSync(join(out, path), text)
  }
}

function operatorFilesIntact(out: string, what: string): void {
  for (const [path, text] of Object.entries(OPERATOR)) assert.is(readFileSync(join(out, path), 'utf8'), text, `${what}: ${path}`)
}

const pxe = (out: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE, '--serve-root', '/srv/out', ...extra], env)

test('files no manifest listed are never deleted or replaced, across runs and --node changes', () => {
  const out = join(tempDir('pxe-op'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  plant(out)
  for (const extra of [[], ['--node', 'bai-a01'], []]) {
    const r = pxe(out, extra)
    assert.is(r.status, 0, r.stderr)
    operatorFilesIntact(out, extra.join(' ') || 'all nodes')
    assert.equal(manifestProblems(out, (p) => p in OPERATOR), [])
  }
  const listed = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).files.map((f: { path: string }) => f.path)
  for (const path of Object.keys(OPERATOR)) assert.not.ok(listed.includes(path), `${path} is not bai-seed's`)
  assert.equal(readdirSync(out).filter((n) => n.startsWith('.')).sort(), ['.bai-seed', '.bai-seed-key'])
})

test('a file in the way that the manifest does not list stops pxe, nothing changed (pxelinux.cfg/default)', () => {
  for (const path of ['pxe/pxelinux.cfg/default', 'pxe/grub/grub.cfg', 'pxe/ipxe/bai-a01.ipxe', 'pxe/nodes.json']) {
    const out = join(tempDir('pxe-way'), 'out')
    assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
    plant(out, { [path]: 'the operator\'s own\n' })
    const before = snapshot(out)
    const r = pxe(out)
    assert.is(r.status, 2, `${path}: ${r.stderr}`)
    assert.match(r.stderr, new RegExp(`error\\[EREFUSED\\] .*${path.replace(/\./g, '\\.')}: exists, and bai-seed did not write it`))
    assert.equal(snapshot(out), before, `${path}: nothing changed`)
    assert.equal(readdirSync(join(out, '.bai-seed')).filter((n) => n.startsWith('tmp-')), [], 'no temporaries left')
  }
  // A folder bai-seed did not make (content, no manifest): refused before anything is made.
  const foreign = join(tempDir('pxe-foreign'), 'tftp')
  plant(foreign, { 'pxe/pxelinux.cfg/default': 'DEFAULT local\n' })
  const before = snapshot(foreign)
  const r = pxe(foreign)
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /is not empty \(pxe\) and has no manifest\.json/)
  assert.equal(readdirSync(foreign), ['pxe'], 'no .bai-seed/, no key')
  assert.equal(snapshot(foreign), before)
})

test('a planted symbolic link on the way is refused, never followed', () => {
  const dir = tempDir('pxe-link')
  const out = join(dir, 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const elsewhere = join(dir, 'elsewhere')
  mkdirSync(elsewhere)
  mkdirSync(join(out, 'pxe'))
  symlinkSync(elsewhere, join(out, 'pxe', 'grub'))
  const r = pxe(out)
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /pxe\/grub: is not a folder \(a symbolic link\)/)
  assert.equal(readdirSync(elsewhere), [])
})

test('killed at every step: operator files stay in pxe/, the tree is wholly old or new, no .pxe-keep-*', () => {
  const out = join(tempDir('pxe-kill'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  plant(out)
  // old: all nodes; new: one node (files replaced and removed).
  assert.is(pxe(out).status, 0)
  const old = snapshot(out)
  const newOut = join(tempDir('pxe-kill-ref'), 'out')
  spawnSync('cp', ['-a', out, newOut])
  assert.is(pxe(newOut, ['--node', 'bai-a01']).status, 0)
  const fresh = snapshot(newOut)
  const pxeOnly = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([p]) => p.startsWith('pxe/') || p === 'manifest.json'))
  const seen = { old: 0, new: 0 }
  let point = 1
  for (; point < 80; point++) {
    const r = spawnSync(process.execPath, [binRun, 'pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE, '--serve-root', '/srv/out', '--node', 'bai-a01'], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', BAI_SEED_TEST_CRASH_POINT: String(point) },
    })
    if (r.status === 0) break
    assert.is(r.signal, 'SIGKILL', `point ${point}: ${r.stderr}`)
    operatorFilesIntact(out, `killed at point ${point}`)
    assert.equal(readdirSync(out).filter((n) => n.startsWith('.pxe-keep')), [])
    recoverOutput(out)
    const now = JSON.stringify(pxeOnly(snapshot(out)))
    const which = now === JSON.stringify(pxeOnly(old)) ? 'old' : now === JSON.stringify(pxeOnly(fresh)) ? 'new' : null
    assert.ok(which, `point ${point}: neither wholly old nor wholly new`)
    seen[which!]++
    assert.equal(manifestProblems(out, (p) => p in OPERATOR), [], `point ${point}`)
    // Back to the old tree for the next point.
    if (which === 'new') assert.is(pxe(out).status, 0)
  }
  assert.ok(point > 5, `pxe's switch has crash points (${point})`)
  assert.ok(seen.old > 0 && seen.new > 0, JSON.stringify(seen))
  operatorFilesIntact(out, 'at the end')
  assert.ok(!existsSync(join(out, 'pxe', 'ipxe', 'bai-m1.ipxe')))
})

test.run()
