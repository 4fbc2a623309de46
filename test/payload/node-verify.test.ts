// The node side of the offline payload, run for real in bash with stand-ins on PATH for what would install (apt-get,
// docker): the rendered provision.sh checks the manifest against the inventory's pin (digest or SSH signature) and
// every file a step uses against the manifest before the step uses it. One flipped byte, a missing file, a cut file or
// another manifest stops the step with "integrity" and the file's name, and the installer is never called.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { requireTool, run } from '../helpers/tools.js'
import { makeTree as makeTreeAt, renderWith as renderAt, runInScript as runAt, REPO, type Ran } from './payload-node.js'

const work = tempDir('payload-node')
const tree = join(work, 'tree')
const makeTree = (): Promise<string> => makeTreeAt(tree)
const renderWith = (offline: string): Promise<string> => renderAt(work, offline)
/** The volume as mounted: the test's tree instead of blkid + mount. */
const runInScript = (script: string, call: string): Ran => runAt(script, call, { volume: tree })

let digest = ''
let script = ''

test('intact payload: the apt steps install from its repository only, after checking every file of it', async () => {
  digest = await makeTree()
  script = await renderWith(`  delivery: volume\n  manifest_sha256: ${digest}\n`)
  const r = runInScript(script, 'payload_apt_install docker.io')
  assert.is(r.status, 0, r.out)
  assert.match(r.out, /payload: 7 file\(s\) under apt\/debian-bookworm\/ keys\/ match the manifest/)
  const lines = r.calls.trim().split('\n')
  assert.is(lines.length, 2, r.calls)
  assert.match(lines[0]!, /Dir::Etc::SourceParts=\/nonexistent .*update/)
  assert.match(lines[1]!, /install -y -q --no-install-recommends docker\.io$/)
  const sources = readFileSync(/Dir::Etc::SourceList=(\S+)/.exec(lines[0]!)![1]!, 'utf8')
  assert.is(sources, `deb [signed-by=${tree}/keys/payload-archive.gpg] file:${tree}/${REPO} ./\n`)
})

test('one flipped byte in a .deb: the step fails with integrity and the file name; apt-get is never called', async () => {
  const deb = join(tree, REPO, 'docker.io_20.10.24_amd64.deb')
  const bytes = readFileSync(deb)
  bytes[7] = bytes[7]! ^ 0x01
  writeFileSync(deb, bytes)
  const r = runInScript(script, 'payload_apt_install docker.io')
  assert.is(r.status, 1, r.out)
  assert.is(r.reason, `integrity: ${REPO}/docker.io_20.10.24_amd64.deb: its sha256 differs from the manifest's`)
  assert.is(r.calls, '')
})

test('a missing file and a cut file are named; another step whose files are intact still runs', async () => {
  await makeTree()
  rmSync(join(tree, 'wheels/pip-24.0-py3-none-any.whl'))
  let r = runInScript(script, 'payload_verify wheels/')
  assert.is(r.reason, 'integrity: wheels/pip-24.0-py3-none-any.whl is missing from the payload')
  truncateSync(join(tree, 'images/images.tar'), 10)
  r = runInScript(script, 'step_images')
  assert.is(r.reason, 'integrity: images/images.tar: its size is 10 bytes, the manifest says 700')
  assert.is(r.calls, '', 'docker was called for an altered archive')
  r = runInScript(script, 'payload_apt_install nfs-kernel-server')
  assert.is(r.status, 0, r.out)
})

test('images: docker load of the archive, then every image must be there by its original name', async () => {
  await makeTree()
  const r = runInScript(script, 'step_images')
  // The stand-in docker loads nothing: inspect succeeds (exit 0) for every name, so the step passes; the call order counts.
  assert.is(r.status, 0, r.out)
  const lines = r.calls.trim().split('\n')
  assert.is(lines[0], `docker load -i ${tree}/images/images.tar`)
  assert.equal(lines.slice(1), ['docker image inspect postgres:16.3-alpine', 'docker image inspect valkey/valkey:9.1.1-alpine', 'docker image inspect quay.io/coreos/etcd:v3.4.15'])
})

test('another manifest than the pinned one: every step that needs the payload stops before reading any file', async () => {
  await makeTree()
  appendFileSync(join(tree, 'manifest.txt'), '# one more line\n')
  const r = runInScript(script, 'payload_apt_install docker.io')
  assert.match(r.reason, new RegExp(`^integrity: manifest\\.txt: its sha256 is [0-9a-f]{64}, the inventory pins ${digest}`))
  assert.is(r.calls, '')
})

test('signed manifest: ssh-keygen -Y verify with the pinned signer; an altered manifest or another signer fails', async () => {
  requireTool('ssh-keygen')
  const key = join(work, 'signer')
  const other = join(work, 'other')
  for (const k of [key, other]) {
    rmSync(k, { force: true })
    assert.is(run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'payload', '-f', k]).status, 0)
  }
  const pub = readFileSync(`${key}.pub`, 'utf8').trim()
  await makeTree()
  const sign = (k: string): void => {
    rmSync(join(tree, 'manifest.txt.sig'), { force: true })
    assert.is(run('ssh-keygen', ['-Y', 'sign', '-q', '-f', k, '-n', 'bai-seed-payload', join(tree, 'manifest.txt')]).status, 0)
  }
  sign(key)
  const signed = await renderWith(`  delivery: volume\n  signer: ${pub}\n`)
  let r = runInScript(signed, 'payload_apt_install docker.io')
  assert.is(r.status, 0, r.out)
  appendFileSync(join(tree, 'manifest.txt'), `0000000000000000000000000000000000000000000000000000000000000000  3  evil/extra\n`)
  r = runInScript(signed, 'payload_apt_install docker.io')
  assert.match(r.reason, /^integrity: manifest\.txt: the signature is not the pinned signer's/)
  assert.is(r.calls, '')
  await makeTree()
  sign(other)
  r = runInScript(signed, 'payload_apt_install docker.io')
  assert.match(r.reason, /^integrity: manifest\.txt: the signature is not the pinned signer's/)
  rmSync(join(tree, 'manifest.txt.sig'))
  r = runInScript(signed, 'payload_apt_install docker.io')
  assert.is(r.reason, 'integrity: manifest.txt.sig is missing from the payload (the inventory pins a signer)')
  assert.is(r.calls, '')
})

test('the payload volume not attached: the step fails closed, naming the label', async () => {
  // The script's own payload_dir (the test's stand-in replaces the name payload_dir only).
  const own = runInScript(script.replace(/^payload_dir\(\) \{$/m, 'payload_dir_real() {'), 'blkid() { return 2; }; mountpoint() { return 1; }; payload_dir_real')
  assert.is(own.reason, 'integrity: the payload volume (label BAI_PAYLOAD) is not attached: attach it and run again')
})

test.run()
