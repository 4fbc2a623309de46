// Inputs that must fail cleanly: exit 2, file:line:col where there is one, within a second or two, bounded memory.
// Devices, FIFOs and folders are refused before reading, sizes are capped, invalid UTF-8 is reported where it is, a
// UTF-16 file is named as such, and a 2,500-profile extends chain is a depth error, not a stack overflow.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { firstInvalidUtf8, readInputFile } from '../../src/load/read-input.js'

const example = readFileSync(exampleInventory, 'utf8')

function validate(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stderr: string; ms: number } {
  const t0 = Date.now()
  const r = runCli(['validate', ...args], env)
  return { status: r.status, stderr: r.stderr, ms: Date.now() - t0 }
}

test('firstInvalidUtf8: valid text, overlong forms, surrogates, truncated sequences', () => {
  assert.is(firstInvalidUtf8(Buffer.from('plain, é, 한, 😀')), -1)
  for (const [bytes, at] of [[[0x61, 0xc0, 0xaf], 1], [[0xe0, 0x80, 0xaf], 0], [[0xed, 0xa0, 0x80], 0], [[0x61, 0x62, 0xe2, 0x82], 2], [[0xff], 0], [[0xf4, 0x90, 0x80, 0x80], 0]] as const) {
    assert.is(firstInvalidUtf8(Uint8Array.from(bytes)), at, bytes.join(','))
  }
})

test('/dev/zero, a FIFO and a folder are refused at once (inventory and password file)', () => {
  const dir = tempDir('limits')
  const fifo = join(dir, 'fifo.yaml')
  spawnSync('mkfifo', [fifo])
  for (const [path, kind] of [['/dev/zero', 'a device'], [fifo, 'a FIFO'], [dir, 'a folder']] as const) {
    const r = validate(['-c', path])
    assert.is(r.status, 2, r.stderr)
    assert.match(r.stderr, new RegExp(`^${path.replace(/[/.]/g, '\\$&')}:1:1: error\\[FILE_NOT_REGULAR\\] \\(root\\): is ${kind}`), r.stderr)
  }
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, example.replace('# No password: the bai account', 'password: {file: /dev/zero}\n# No password: the bai account'))
  const t0 = Date.now()
  const r = runCli(['render', '-c', inv, '-o', join(dir, 'out')])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /error\[PASSWORD_SOURCE\] password: password\.file: \/dev\/zero: is a device, not a regular file/)
  assert.ok(Date.now() - t0 < 20000)
})

test('size caps: a 9 MiB inventory and a 2 MiB profile are refused without reading them', () => {
  const dir = tempDir('limits')
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, example + '#' + 'x'.repeat(9 * 1024 * 1024) + '\n')
  const r = validate(['-c', inv])
  assert.is(r.status, 2)
  assert.match(r.stderr, /cluster\.yaml:1:1: error\[FILE_TOO_LARGE\] \(root\): is larger than 8 MiB, the limit for an inventory/)
  const profiles = join(dir, 'profiles')
  mkdirSync(profiles)
  writeFileSync(join(profiles, 'big.yaml'), 'description: big\n#' + 'y'.repeat(2 * 1024 * 1024) + '\n')
  const p = validate(['-c', exampleInventory, '--profiles', profiles])
  assert.is(p.status, 2)
  assert.match(p.stderr, /big\.yaml:1:1: error\[FILE_TOO_LARGE\] \(root\): is larger than 1 MiB, the limit for a profile/)
  assert.is(readInputFile(inv, 100, 'x').ok, false)
})

test('invalid UTF-8 is reported at its line and column; UTF-16 is named', () => {
  const dir = tempDir('limits')
  const inv = join(dir, 'cluster.yaml')
  const lines = example.split('\n')
  const at = lines.findIndex((l) => l.includes('bai-a01')) // 0-based
  const col = lines[at]!.indexOf('bai-a01') + 4
  const bytes = Buffer.concat([Buffer.from(lines.slice(0, at).join('\n') + '\n' + lines[at]!.slice(0, col - 1)), Buffer.from([0xc3, 0x28]), Buffer.from(lines[at]!.slice(col - 1) + '\n' + lines.slice(at + 1).join('\n'))])
  writeFileSync(inv, bytes)
  const r = validate(['-c', inv])
  assert.is(r.status, 2)
  assert.match(r.stderr, new RegExp(`cluster\\.yaml:${at + 1}:${col}: error\\[FILE_ENCODING\\] \\(root\\): invalid UTF-8 \\(byte 0xc3 at byte offset \\d+\\); save the file as UTF-8`))
  writeFileSync(inv, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(example, 'utf16le')]))
  const u = validate(['-c', inv])
  assert.is(u.status, 2)
  assert.match(u.stderr, /error\[FILE_ENCODING\] \(root\): starts with a UTF-16 byte-order mark: UTF-16\? save the file as UTF-8/)
})

test('a 2,500-profile extends chain: a depth error with its position, no stack overflow', () => {
  const dir = tempDir('limits')
  const profiles = join(dir, 'profiles')
  mkdirSync(profiles)
  for (let i = 0; i < 2500; i++) writeFileSync(join(profiles, `p${i}.yaml`), `description: chain ${i}\nextends: [${i === 2499 ? 'base' : `p${i + 1}`}]\n`)
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, example.replace('roles: [manager]', 'roles: [manager, p0]'))
  const r = validate(['-c', inv, '--profiles', profiles])
  assert.is(r.status, 2, r.stderr)
  assert.not.match(r.stderr, /RangeError|Maximum call stack/)
  assert.match(r.stderr, /p63\.yaml:2:\d+: error\[PROFILE_DEPTH\] extends\[0\]: extends chain deeper than 64 profiles \(p0 -> p1 -> \.\.\. -> p63 -> p64\); make it shallower/)
})

test('a 7 MB comment (and other over-long values) is a clear error at its position, not a 7 MB /etc/hosts line', () => {
  const dir = tempDir('limits')
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, example.replace('comment: management node 01', `comment: "${'x'.repeat(7_000_000)}"`))
  const r = validate(['-c', inv])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /cluster\.yaml:\d+:\d+: error\[TOO_LONG\] nodes\[0\]\.comment: text is 7000000 characters long; at most 1024 are allowed/)
  assert.ok(r.stderr.length < 2000, 'the value is not echoed')
  const out = join(dir, 'out')
  assert.is(runCli(['render', '-c', inv, '-o', out]).status, 2)
  // At the cap it renders, and the line carries it.
  writeFileSync(inv, example.replace('comment: management node 01', `comment: "${'y'.repeat(1024)}"`))
  const ok = runCli(['render', '-c', inv, '-o', out, '--no-iso'])
  assert.is(ok.status, 0, ok.stderr)
})

test.run()
