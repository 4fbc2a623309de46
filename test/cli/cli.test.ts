// The real CLI as users run it: exit codes, what lands in the output folder, determinism, the manifest.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      // bai-seed's own state (the lock, the networks serve answers by default) is not output.
      if (d === dir && name === '.bai-seed') continue
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`)
      else out[`${rel}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex')
    }
  }
  walk(dir, '')
  return out
}

test('render writes every artifact per node and a manifest that matches the files', () => {
  const out = join(tempDir('cli'), 'out')
  const r = runCli(['render', '-c', exampleInventory, '-o', out])
  assert.is(r.status, 0, r.stderr)
  for (const host of ['bai-m1', 'bai-a01', 'bai-a02']) {
    for (const f of ['autoinstall/user-data', 'autoinstall/meta-data', 'cloud-init/user-data', 'cloud-init/meta-data', 'cloud-init/network-config', 'provision.sh']) {
      assert.ok(existsSync(join(out, host, f)), `${host}/${f}`)
    }
  }
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  const files = tree(out)
  delete files['manifest.json']
  assert.equal(Object.fromEntries(manifest.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256])), files)
  for (const f of manifest.files) assert.is(f.size, statSync(join(out, f.path)).size)
})

test('rendering twice gives byte-identical output', () => {
  const a = join(tempDir('det'), 'out')
  const b = join(tempDir('det'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', a]).status, 0)
  assert.is(runCli(['render', '-c', exampleInventory, '-o', b]).status, 0)
  assert.equal(tree(a), tree(b))
})

test('--node renders only that node and keeps the others', () => {
  const out = join(tempDir('node'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out]).status, 0)
  const before = tree(out)
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--node', 'bai-a02'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /rendered 1 node/)
  assert.equal(tree(out), before)
})

test('invalid input: exit code 2, positions on stderr, no stack trace, nothing written', () => {
  const dir = tempDir('bad')
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, readFileSync(exampleInventory, 'utf8').replace('roles: [agent-gpu]', 'roles: [agent-gpu, no-such-role]'))
  const out = join(dir, 'out')
  const r = runCli(['render', '-c', inv, '-o', out])
  assert.is(r.status, 2, r.stdout + r.stderr)
  assert.match(r.stderr, /cluster\.yaml:\d+:\d+: error\[UNKNOWN_ROLE\] nodes\[1\]\.roles\[1\]: unknown role "no-such-role"/)
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
  assert.ok(!existsSync(out) || readdirSync(out).length === 0, 'nothing written')
})

test('a missing password variable is an input error, not a crash', () => {
  const out = join(tempDir('pw'), 'out')
  const r = runCli(['render', '-c', join(fixtures, 'single-node.yaml'), '-o', out], { BAI_TEST_PASSWORD: '' })
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /error\[PASSWORD_SOURCE\] password: password\.env: environment variable BAI_TEST_PASSWORD is not set or empty/)
  assert.not.ok(existsSync(out))
})

test('plan --json lists the steps in order with the profile that set each value', () => {
  const r = runCli(['plan', '-c', exampleInventory, '--node', 'bai-a01', '--json'])
  assert.is(r.status, 0, r.stderr)
  const [plan] = JSON.parse(r.stdout)
  assert.is(plan.hostname, 'bai-a01')
  assert.is(plan.steps[0].id, 'user')
  const images = plan.steps.find((s: { id: string }) => s.id === 'images')
  const pull = images.settings.find((s: { key: string }) => s.key === 'images.pull')
  assert.is(pull.from, 'agent-gpu')
  assert.is(pull.value.length, 4)
})

test('profiles and profiles show', () => {
  const list = runCli(['profiles'])
  assert.is(list.status, 0, list.stderr)
  for (const name of ['base', 'manager', 'agent', 'agent-gpu', 'storage', 'single-node']) assert.match(list.stdout, new RegExp(`^${name}\\s`, 'm'))
  const show = runCli(['profiles', 'show', 'agent-gpu', '--json'])
  assert.is(show.status, 0, show.stderr)
  const p = JSON.parse(show.stdout)
  assert.equal(p.chain, ['base', 'agent', 'agent-gpu'])
  assert.is(p.settings.nvidia.enabled, true)
  assert.is(p.origins['nvidia.enabled'], 'agent-gpu')
  assert.is(runCli(['profiles', 'show', 'nope']).status, 2)
})

test('init writes a starter inventory that validates', () => {
  const dir = tempDir('init')
  const file = join(dir, 'cluster.yaml')
  const r = runCli(['init', '-c', file])
  assert.is(r.status, 0, r.stderr)
  assert.is(runCli(['init', '-c', file]).status, 2, 'refuses to overwrite')
  const v = runCli(['validate', '-c', file])
  assert.is(v.status, 0, v.stderr)
})

test.run()
