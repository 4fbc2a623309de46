// Mirrors: every download a node makes can come from the site, per cluster and per node; `plan` lists what each step
// fetches; the renderers write the mirrors, CA certificates and pinned key fingerprints; fetch_key refuses a key that
// is not the pinned one.
import { test } from 'uvu'
import { readUserData } from '../helpers/user-data.js'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireTool, run } from '../helpers/tools.js'
import { imageSource, nodeMirrors } from '../../src/plan/node-mirrors.js'
import type { Inventory, NodeEntry } from '../../src/model/inventory.js'

const singleNode = join(fixtures, 'single-node.yaml')
const ENV = { BAI_TEST_PASSWORD: 'pw' }

const sources: [string, Record<string, unknown>, string][] = [
  ['postgres:16.3-alpine', {}, 'postgres:16.3-alpine'],
  ['postgres:16.3-alpine', { registry: 'r.example:5000' }, 'r.example:5000/library/postgres:16.3-alpine'],
  ['valkey/valkey:9', { registry: 'r.example:5000' }, 'r.example:5000/valkey/valkey:9'],
  ['quay.io/coreos/etcd:v3', { registry: 'r.example:5000' }, 'r.example:5000/coreos/etcd:v3'],
  ['cr.backend.ai/stable/python:3.9', { registry: 'r.example:5000', registries: { 'cr.backend.ai': 'site.example/bai/' } }, 'site.example/bai/stable/python:3.9'],
  ['quay.io/coreos/etcd:v3', { registries: { 'cr.backend.ai': 'site.example/bai' } }, 'quay.io/coreos/etcd:v3'],
  ['postgres:16', { registries: { 'docker.io': 'hub.example:5000/hub' } }, 'hub.example:5000/hub/library/postgres:16'],
  ['localhost:5000/x:1', { registries: { 'localhost:5000': 'm.example' } }, 'm.example/x:1'],
]
for (const [ref, m, want] of sources) {
  test(`imageSource ${ref} ${JSON.stringify(m)}`, () => assert.is(imageSource(ref, m), want))
}

test('node mirrors replace the cluster\'s per key; registries merge per host', () => {
  const inventory = { mirrors: { apt: 'http://a/ubuntu', proxy: 'http://p:3128', registries: { 'cr.backend.ai': 'r1', 'quay.io': 'r2' } } } as unknown as Inventory
  const node = { mirrors: { proxy: 'http://q:3128', registries: { 'quay.io': 'r3' } } } as unknown as NodeEntry
  assert.equal(nodeMirrors(inventory, node), { apt: 'http://a/ubuntu', proxy: 'http://q:3128', registries: { 'cr.backend.ai': 'r1', 'quay.io': 'r3' } })
  assert.equal(nodeMirrors(inventory, {} as NodeEntry), inventory.mirrors)
})

test('plan lists what every network step fetches, from the mirrors', () => {
  const r = runCli(['plan', '-c', singleNode, '--json'], ENV)
  assert.is(r.status, 0, r.stderr)
  const [plan] = JSON.parse(r.stdout) as { steps: { id: string; fetches: string[] }[] }[]
  const f = Object.fromEntries(plan!.steps.map((s) => [s.id, s.fetches]))
  assert.equal(f['user'], [])
  assert.equal(f['packages'], ['apt http://apt.lab.internal/ubuntu: curl ca-certificates gnupg tar gzip'])
  assert.equal(f['docker'], [
    'key http://apt.lab.internal/keys/docker.asc (fingerprint 9DC858229FC7DD38854AE2D88D81803C0EBFCD88)',
    'apt http://apt.lab.internal/docker-ce/linux/ubuntu focal stable (amd64): docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin',
  ])
  assert.equal(f['venvs'], ['pip http://pypi.lab.internal/simple: pip setuptools wheel'])
  assert.equal(f['nvidia-cuda'], [
    'key http://apt.lab.internal/keys/cuda.pub (fingerprint EB693B3035CD5710E231E123A4B469963BF863CC)',
    'apt http://apt.lab.internal/cuda/repos/ubuntu2004/x86_64/: cuda-toolkit-12-2',
  ])
  assert.equal(f['nvidia-toolkit'], [
    'key http://apt.lab.internal/libnvidia-container/gpgkey (fingerprint C95B321B61E88C1809C4F759DDCAE044F796ECB0)',
    'apt http://apt.lab.internal/libnvidia-container/stable/deb/amd64/: nvidia-container-toolkit',
  ])
  assert.ok(f['images']!.includes('image registry.lab.internal:5000/library/postgres:16.3-alpine (tagged postgres:16.3-alpine)'))
  assert.ok(f['images']!.includes('image registry.lab.internal:5000/backendai/stable/python:3.9-ubuntu20.04 (tagged cr.backend.ai/stable/python:3.9-ubuntu20.04)'))
  const text = runCli(['plan', '-c', singleNode], ENV)
  assert.match(text.stdout, /^ +fetches apt http:\/\/apt\.lab\.internal\/ubuntu: curl/m)
})

test('plan: python downloads come from mirrors.python, SHA256SUMS only without a pinned sha256', () => {
  const dir = tempDir('mirrors-py')
  const inv = readFileSync(singleNode, 'utf8').replace('method: pyenv', 'method: static')
  writeFileSync(join(dir, 'cluster.yaml'), inv)
  const r = runCli(['plan', '-c', join(dir, 'cluster.yaml'), '--json'], ENV)
  assert.is(r.status, 0, r.stderr)
  const steps = (JSON.parse(r.stdout) as { steps: { id: string; fetches: string[] }[] }[])[0]!.steps
  assert.equal(steps.find((s) => s.id === 'python')!.fetches, [
    'http://files.lab.internal/python-build-standalone/20250409/SHA256SUMS',
    'http://files.lab.internal/python-build-standalone/20250409/cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz',
  ])
})

test('renderers: apt mirror for every pocket, CA certificates, pip index and trusted host, per-node no_proxy', async () => {
  const out = await renderFixture(singleNode, { env: ENV })
  const pem = (load(readFileSync(singleNode, 'utf8')) as Inventory).mirrors.ca_certificates![0]!
  const cc = load(readUserData(join(out, 'bai-all/cloud-init/user-data'))) as Record<string, any>
  assert.equal(cc.apt.primary, [{ arches: ['default'], uri: 'http://apt.lab.internal/ubuntu' }])
  assert.equal(cc.apt.security, [{ arches: ['default'], uri: 'http://apt.lab.internal/ubuntu' }])
  assert.equal(cc.ca_certs, { trusted: [pem] })
  const ai = load(readFileSync(join(out, 'bai-all/autoinstall/user-data'), 'utf8')) as Record<string, any>
  assert.equal(ai.autoinstall.apt.security, [{ arches: ['default'], uri: 'http://apt.lab.internal/ubuntu' }])
  assert.equal(ai.autoinstall['user-data'].ca_certs, { trusted: [pem] })
  const script = readFileSync(join(out, 'bai-all/provision.sh'), 'utf8')
  assert.match(script, 'local mirror=http://apt.lab.internal/ubuntu ')
  assert.match(script, 'sources_file=/etc/apt/sources.list ')
  assert.match(script, 'write_file "$sources_file" 0644')
  assert.match(script, '/usr/local/share/ca-certificates/bai-seed-$i.crt')
  assert.match(script, 'MIIBlDCCATmgAwIBAgIUDM9qkV6jdAagCj8beX7AlAqkqI0wCgYIKoZIzj0EAwIw')
  assert.match(script, 'index-url = http://pypi.lab.internal/simple\ntrusted-host = pypi.lab.internal\ncert = /etc/ssl/certs/ca-certificates.crt\n')
  assert.match(script, 'readonly NO_PROXY_LIST=localhost,127.0.0.1,.lab.internal,registry.lab.internal\n')
  assert.match(script, 'fingerprint=EB693B3035CD5710E231E123A4B469963BF863CC\n')
})

test("the archive mirror goes where the target keeps its sources: deb822 ubuntu.sources on 24.04, sources.list before", async () => {
  const out = await renderFixture(join(fixtures, 'targets.yaml'), { env: {} })
  const script = (node: string): string => readFileSync(join(out, node, 'provision.sh'), 'utf8')
  const noble = script('t-noble')
  assert.match(noble, 'sources_file=/etc/apt/sources.list.d/ubuntu.sources ')
  assert.match(noble, `sources="Types: deb"$'\\n'"URIs: $mirror"$'\\n'"Suites: $suites"`)
  assert.match(noble, 'Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg')
  assert.not.match(noble, 'ubuntu.sources.bai-seed-disabled')
  // The other format's file comes from the registry: noble empties the one-line list, the others disable ubuntu.sources.
  assert.match(noble, 'other=/etc/apt/sources.list\n')
  assert.not.match(noble, 'other=/etc/apt/sources.list.d/ubuntu.sources')
  for (const node of ['t-jammy', 't-focal']) {
    const text = script(node)
    assert.match(text, 'sources_file=/etc/apt/sources.list ', node)
    assert.match(text, 'for suite in $suites; do sources+="deb $mirror $suite $comps"', node)
    assert.not.match(text, '"Types: deb"', node)
    assert.match(text, 'other=/etc/apt/sources.list.d/ubuntu.sources\n', node)
    assert.not.match(text, 'other=/etc/apt/sources.list\n', node)
  }
})

// fetch_key as the script has it, run against keys made here.
function libFunctions(script: string, names: string[]): string {
  const out: string[] = []
  for (const name of names) {
    const start = script.indexOf(`\n${name}() {`)
    assert.ok(start >= 0, name)
    const lineEnd = script.indexOf('\n', start + 1)
    const end = script.slice(start + 1, lineEnd).endsWith('}') ? lineEnd : script.indexOf('\n}\n', start) + 2
    out.push(script.slice(start + 1, end + 1))
  }
  return out.join('')
}

test('fetch_key installs a key holding the pinned fingerprint and refuses any other', async () => {
  requireTool('gpg')
  const out = await renderFixture(singleNode, { env: ENV })
  const script = readFileSync(join(out, 'bai-all/provision.sh'), 'utf8')
  const dir = tempDir('fetch-key')
  const home = join(dir, 'gnupg')
  mkdirSync(home, { mode: 0o700 })
  const gen = run('gpg', ['--homedir', home, '--batch', '--passphrase', '', '--quick-gen-key', 'bai-seed test <t@example>', 'ed25519', 'sign', 'never'])
  assert.is(gen.status, 0, gen.stderr)
  const fpr = run('gpg', ['--homedir', home, '--with-colons', '--list-keys']).stdout.split('\n').find((l) => l.startsWith('fpr'))!.split(':')[9]!
  writeFileSync(join(dir, 'key.asc'), run('gpg', ['--homedir', home, '--armor', '--export']).stdout)
  const harness = [
    'set -Eeuo pipefail',
    `STATE_DIR=${dir}; CURRENT_STEP=test; BAI_SEED_RETRY_DELAY=0`,
    libFunctions(script, ['log', 'note', 'fail', 'retry', 'fetch_key']),
    'fetch_key "$1" "$2" "$3"',
  ].join('\n')
  writeFileSync(join(dir, 'h.sh'), harness)
  const env = { ...process.env, GNUPGHOME: join(dir, 'empty') }
  mkdirSync(env.GNUPGHOME, { mode: 0o700 })
  const good = run('env', [`GNUPGHOME=${env.GNUPGHOME}`, 'bash', join(dir, 'h.sh'), `file://${dir}/key.asc`, `${dir}/k/good.gpg`, fpr])
  assert.is(good.status, 0, good.stdout + good.stderr)
  assert.ok(existsSync(join(dir, 'k/good.gpg')))
  const bin = readFileSync(join(dir, 'k/good.gpg'))
  assert.is(bin[0]! & 0x80, 0x80, 'a binary keyring, not armored text')
  const bad = run('env', [`GNUPGHOME=${env.GNUPGHOME}`, 'bash', join(dir, 'h.sh'), `file://${dir}/key.asc`, `${dir}/k/bad.gpg`, '9DC858229FC7DD38854AE2D88D81803C0EBFCD88'])
  assert.is(bad.status, 1)
  assert.match(readFileSync(join(dir, 'reason'), 'utf8'), `is not the pinned 9DC858229FC7DD38854AE2D88D81803C0EBFCD88 (it holds: ${fpr}`)
  assert.not.ok(existsSync(join(dir, 'k/bad.gpg')))
  const unpinned = run('env', [`GNUPGHOME=${env.GNUPGHOME}`, 'bash', join(dir, 'h.sh'), `file://${dir}/key.asc`, `${dir}/k/any.gpg`, ''])
  assert.is(unpinned.status, 0, unpinned.stderr)
  const missing = run('env', [`GNUPGHOME=${env.GNUPGHOME}`, 'bash', join(dir, 'h.sh'), `file://${dir}/nope.asc`, `${dir}/k/none.gpg`, fpr])
  assert.is(missing.status, 1)
  assert.match(readFileSync(join(dir, 'reason'), 'utf8'), `cannot download the signing key file://${dir}/nope.asc`)
  // Making the key started a gpg-agent for this GNUPGHOME: stop it.
  run('gpgconf', ['--homedir', home, '--kill', 'all'])
})

test.run()
