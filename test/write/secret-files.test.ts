// Credentials in a proxy or mirror URL make every file that carries them owner-only: 0600 on disk, 0600 inside the
// seed ISOs (Rock Ridge) and the bundle, the bundle file itself 0600; `render` names those files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { requireTool, run } from '../helpers/tools.js'

function inventoryWithCredentials(): string {
  const text = readFileSync(join(fixtures, 'single-node.yaml'), 'utf8')
    .replace('proxy: http://proxy.lab.internal:3128', 'proxy: http://builder:s3cret@proxy.lab.internal:3128')
    .replace(/^password:\n(  .*\n)+/m, '')
  assert.match(text, /builder:s3cret@/)
  const file = join(tempDir('cred'), 'cluster.yaml')
  writeFileSync(file, text)
  return file
}

test('credentials: files 0600 on disk, in the ISOs and the bundle; render names them', () => {
  requireTool('isoinfo')
  requireTool('bsdtar')
  const inv = inventoryWithCredentials()
  const out = join(tempDir('cred'), 'out')
  const r = runCli(['render', '-c', inv, '-o', out])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stderr, /note: these files hold secrets \(password hash or credentials\) and are readable by their owner only \(0600\): bai-all\/autoinstall\.iso, bai-all\/autoinstall\/user-data, bai-all\/cloud-init\.iso, bai-all\/cloud-init\/user-data, bai-all\/provision\.sh/)
  for (const f of ['provision.sh', 'autoinstall/user-data', 'cloud-init/user-data', 'autoinstall.iso', 'cloud-init.iso']) {
    assert.is(statSync(join(out, 'bai-all', f)).mode & 0o077, 0, `${f} is owner-only`)
  }
  for (const f of ['autoinstall/meta-data', 'cloud-init/network-config']) assert.is(statSync(join(out, 'bai-all', f)).mode & 0o777, 0o644, f)
  const listing = run('isoinfo', ['-R', '-l', '-i', join(out, 'bai-all', 'cloud-init.iso')]).stdout
  assert.match(listing, /-rw------- .* user-data/)
  assert.match(listing, /-rw-r--r-- .* meta-data/)

  const b = runCli(['bundle', '-c', inv, '-o', out, '--no-iso'])
  assert.is(b.status, 0, b.stderr)
  const bundle = join(out, 'bundle.tar.gz')
  assert.is(statSync(bundle).mode & 0o777, 0o600, 'the bundle holds secrets')
  const entries = run('bsdtar', ['-tvzf', bundle]).stdout
  // The bundle's one top-level folder is the cluster's name (`lab`).
  assert.match(entries, /-rwx------ .* lab\/bai-all\/provision\.sh/)
  assert.match(entries, /-rw------- .* lab\/bai-all\/cloud-init\/user-data/)
})

test('without secrets everything stays world-readable, the bundle too', () => {
  const out = join(tempDir('cred'), 'out')
  const r = runCli(['bundle', '-c', join(fixtures, '..', '..', 'examples', 'cluster.yaml'), '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  assert.is(statSync(join(out, 'bundle.tar.gz')).mode & 0o777, 0o644)
  assert.is(statSync(join(out, 'bai-a01', 'provision.sh')).mode & 0o777, 0o755)
})

test.run()
