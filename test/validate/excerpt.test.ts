// Errors quote at most a short, sanitised excerpt of what the input holds: a profile that is a symlink to a secret
// file must not print the secret.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { excerpt } from '../../src/diagnostics/excerpt.js'

test('excerpt: short values as JSON, long ones cut, password hashes never shown', () => {
  assert.is(excerpt('agent'), '"agent"')
  assert.is(excerpt(3), '3')
  assert.is(excerpt('a\u001b[31mb'), '"a\\u001b[31mb"')
  assert.is(excerpt('x'.repeat(100)), `"${'x'.repeat(16)}…" (100 characters)`)
  assert.is(excerpt('root:$6$salt$hash:19000'), '"root:…" (holds a password hash, not shown)')
})

test('a profile that is a symlink to a shadow-like file: the error shows no hash and no long value', () => {
  const dir = tempDir('excerpt')
  const secret = join(dir, 'shadow')
  const hash = '$6$saltsalt$' + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2)
  writeFileSync(secret, `root:${hash}:19000:0:99999:7:::\n`)
  const profiles = join(dir, 'profiles')
  mkdirSync(profiles)
  symlinkSync(secret, join(profiles, 'evil.yaml'))
  writeFileSync(join(profiles, 'long.yaml'), `settings:\n  docker: "${'sup3rs3cret'.repeat(8)}"\n`)
  const r = runCli(['validate', '-c', exampleInventory, '--profiles', profiles])
  assert.is(r.status, 2)
  assert.not.ok(r.stderr.includes('abcdefghijklmnop'), r.stderr)
  assert.not.ok(r.stderr.includes('sup3rs3cretsup3rs3cret'), r.stderr)
  assert.match(r.stderr, /evil\.yaml:1:1: error\[SCHEMA_UNKNOWN_KEY\] \["root:…" \(holds a password hash, not shown\)\]/)
  for (const line of r.stderr.trim().split('\n')) assert.ok(line.length < 240, line)
})

test.run()
