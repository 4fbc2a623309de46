// Output-side failures (a full disk, a read-only file system) print one line naming the path and the cause, exit 3,
// and leave the previous output as it was. Needs root (it mounts a small tmpfs), as CI runs.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { hostsOf, inventoryOf, manifestProblems, snapshot } from './output-fixture.js'

function mountTmpfs(size: string): { dir: string; run: (...opts: string[]) => void; done: () => void } {
  if (process.getuid?.() !== 0) throw new Error('this system test mounts a tmpfs: run it as root (CI does)')
  const dir = tempDir('tmpfs')
  const run = (...args: string[]): void => {
    const r = spawnSync('mount', args, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`)
  }
  run('-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir)
  return { dir, run, done: () => void spawnSync('umount', ['-l', dir]) }
}

test('a full disk: one line, exit 3, the previous output intact', () => {
  const fs = mountTmpfs('1m')
  try {
    const out = join(fs.dir, 'out')
    const first = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
    assert.is(first.status, 0, first.stderr)
    const before = snapshot(out)
    const r = runCli(['render', '-c', inventoryOf(hostsOf(40)), '-o', out, '--no-iso', '--force'])
    assert.is(r.status, 3, r.stderr)
    assert.match(r.stderr, /^error\[ENOSPC\] \/.*: no space left on the device \(ENOSPC\); the previous output is unchanged\n$/)
    assert.not.match(r.stderr, /\n.*\n/, 'one line, no stack')
    assert.equal(snapshot(out), before)
    assert.equal(manifestProblems(out), [])
  } finally {
    fs.done()
  }
})

test('a read-only file system: one line, exit 3, nothing changed', () => {
  const fs = mountTmpfs('4m')
  try {
    const out = join(fs.dir, 'out')
    mkdirSync(out)
    assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
    const before = snapshot(out)
    fs.run('-o', 'remount,ro', fs.dir)
    const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
    assert.is(r.status, 3, r.stderr)
    assert.match(r.stderr, /^error\[EROFS\] \/.*: read-only file system \(EROFS\)/)
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.equal(snapshot(out), before)
  } finally {
    fs.done()
  }
})

test.run()
