// `offline:` in the inventory: what validation refuses (table: file, line, column, field, exit 2, nothing written),
// what `plan` shows, and what the rendered script carries (the pin; no step downloads anything itself).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const base = readFileSync(join(fixtures, 'offline.yaml'), 'utf8')
const SHA = '3f5a0c1b2d4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8'

function inventory(offline: string, extra = ''): string {
  const file = join(tempDir('offline-inv'), 'cluster.yaml')
  writeFileSync(file, base.replace(/^offline:\n(  .*\n)+/m, offline).replace(/^nodes:\n/m, `${extra}nodes:\n`))
  return file
}

test('validation: a payload pinned by nothing, url without url, bad digest, pyenv and ubuntu-drivers offline', () => {
  const cases: [string, string, RegExp][] = [
    ['no pin', 'offline:\n  delivery: volume\n', /cluster\.yaml:\d+:\d+: error\[.*\] offline: .*manifest_sha256/],
    ['url without url', `offline:\n  delivery: url\n  manifest_sha256: ${SHA}\n`, /offline: .*url/],
    ['short digest', 'offline:\n  delivery: volume\n  manifest_sha256: abc\n', /offline\.manifest_sha256/],
    ['unknown delivery', `offline:\n  delivery: usb\n  manifest_sha256: ${SHA}\n`, /offline\.delivery/],
  ]
  for (const [name, offline, want] of cases) {
    const file = inventory(offline)
    const r = runCli(['render', '-c', file, '-o', join(file, '..', 'out')])
    assert.is(r.status, 2, `${name}: ${r.stderr}`)
    assert.match(r.stderr, want, name)
    assert.match(r.stderr, /nothing written/, name)
    assert.not.ok(existsSync(join(file, '..', 'out')), name)
  }
  // Steps that would fetch at first boot what no payload carries, pointed at where they were set.
  const offline = `offline:\n  delivery: volume\n  manifest_sha256: ${SHA}\n`
  const file = inventory(offline)
  const text = readFileSync(file, 'utf8').replace('    overrides: {nvidia: {driver: {method: package}}}\n', '    overrides: {python: {method: pyenv}, nvidia: {driver: {method: ubuntu-drivers}}}\n')
  writeFileSync(file, text)
  const r = runCli(['validate', file])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /cluster\.yaml:\d+:\d+: error\[OFFLINE_PYENV\] .*python\.method pyenv .*bai-a01/)
  assert.match(r.stderr, /cluster\.yaml:\d+:\d+: error\[OFFLINE_UBUNTU_DRIVERS\] .*nvidia\.driver\.method ubuntu-drivers .*bai-a01/)
})

test('plan shows the payload, its pin, and that every fetch comes from it', () => {
  const r = runCli(['plan', join(fixtures, 'offline.yaml'), '--node', 'bai-m1'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, `offline payload: every download from a second volume labelled BAI_PAYLOAD (manifest sha256 ${SHA}); never the network  <- inventory offline`)
  assert.match(r.stdout, /fetches from the payload's images\/images\.tar \(docker load\): postgres:16\.3-alpine /)
  const signed = inventory('offline:\n  delivery: url\n  url: http://10.20.30.1:8080/payload/\n  signer: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR op\n')
  const s = runCli(['plan', signed, '--node', 'bai-m1'])
  assert.is(s.status, 0, s.stderr)
  assert.match(s.stdout, 'every download from http://10.20.30.1:8080/payload (manifest signed by ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR)')
})

test('the rendered script: the pin, the payload functions, no curl, fetch_key or docker pull in any step', () => {
  const out = join(tempDir('offline-render'), 'out')
  const r = runCli(['render', '-c', join(fixtures, 'offline.yaml'), '-o', out])
  assert.is(r.status, 0, r.stderr)
  for (const node of ['bai-m1', 'bai-a01']) {
    const script = readFileSync(join(out, node, 'provision.sh'), 'utf8')
    assert.match(script, `readonly PAYLOAD_SHA256=${SHA}`)
    const steps = script.slice(script.indexOf('\nstep_user() {'))
    for (const word of ['curl -', 'fetch_key ', 'pull_image ', 'apt_update', 'docker pull']) {
      assert.not.ok(steps.includes(word), `${node}: a step calls ${word.trim()}`)
    }
    assert.match(steps, /payload_apt_install "\$\{pkgs\[@\]\}"/)
  }
  // Without offline: nothing of the payload in the script.
  const online = join(tempDir('online-render'), 'out')
  assert.is(runCli(['render', '-c', join(fixtures, '..', '..', 'examples', 'cluster.yaml'), '-o', online]).status, 0)
  assert.not.match(readFileSync(join(online, 'bai-m1', 'provision.sh'), 'utf8'), /PAYLOAD|payload_/)
})

test.run()
