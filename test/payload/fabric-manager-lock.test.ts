// Fabric Manager's version lock in the payload: a GPU node with Fabric Manager gets the nvidia-fabricmanager-<branch>
// whose upstream version is that of the driver package the payload carries (the lock the online step applies on the
// node), not the newest; no such version stops the build with a message naming the versions there are, before
// anything is downloaded. Against the stand-in upstream of the payload tests, one archive per case.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, tempDir } from '../helpers/repo.js'
import { requireTool, run } from '../helpers/tools.js'
import { StandInUpstream } from './stand-in-upstream.js'
import { upstreamVersion } from '../../src/payload/apt-repo.js'

const work = tempDir('payload-fm')
const up = new StandInUpstream(work)
const BRANCH = '535'
const DRIVER = `nvidia-headless-no-dkms-${BRANCH}-server`
const FM = `nvidia-fabricmanager-${BRANCH}`

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binRun, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** One archive per case: the driver's versions and Fabric Manager's versions it offers. */
const ARCHIVES: Record<string, { driver: string[]; fm: string[] }> = {
  match: { driver: ['535.0-test'], fm: ['530.0-test', '535.0-test', '535.1-test'] },
  'newer-driver': { driver: ['535.0-test', '535.1-test'], fm: ['530.0-test', '535.0-test', '535.1-test', '535.2-test'] },
  none: { driver: ['535.0-test'], fm: ['530.0-test', '535.1-test'] },
}

function inventory(archive: string): string {
  const file = join(work, `cluster-${archive}.yaml`)
  writeFileSync(
    file,
    [
      'cluster: {name: bai-offline, domain: offline.internal, release: "23.03"}',
      'network: {subnet: 10.9.0.0/24, gateway: 10.9.0.1, dns: [10.9.0.1]}',
      'storage: {type: local}',
      'mirrors:',
      `  apt: ${up.base}/${archive}`,
      `  docker_apt: ${up.base}/docker`,
      `  docker_apt_key: ${up.base}/keys/archive.asc`,
      'ssh: {authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR t@bai-seed"]}',
      'nodes:',
      '  - hostname: bai-g1',
      '    ip: 10.9.0.11/24',
      '    roles: [agent-gpu]',
      // The NVIDIA apt steps that come from the distribution's archive; Fabric Manager always (an NVSwitch board).
      `    overrides: {images: {enabled: false}, python: {enabled: false}, services: {venvs: []}, docker: {key_fingerprint: ${up.fpr}}, nvidia: {driver: {method: package}, fabric_manager: true, cuda: {enabled: false}, container_toolkit: {enabled: false}}}`,
      '',
    ].join('\n'),
  )
  return file
}

const payload = (archive: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  cli(['payload', '-c', inventory(archive), '-o', join(work, `payload-${archive}`), '--base-root', join(work, 'base-root'), '--archive-keyring', up.keyring, '--no-iso'])

const debsOf = (archive: string): string[] => readdirSync(join(work, `payload-${archive}`, 'tree', 'apt', 'debian-bookworm')).filter((f) => f.endsWith('.deb')).sort()

test.before(async () => {
  for (const t of ['apt-get', 'apt-cache', 'apt-ftparchive', 'dpkg-deb', 'gpg']) requireTool(t)
  up.makeKey()
  for (const [name, a] of Object.entries(ARCHIVES)) {
    const pool = join(up.www, name, 'pool', 'main')
    for (const n of ['curl', 'ca-certificates', 'gnupg', 'tar', 'gzip', 'pciutils']) up.mkdeb(pool, n)
    for (const v of a.driver) {
      for (const n of [DRIVER, `nvidia-utils-${BRANCH}-server`, `linux-modules-nvidia-${BRANCH}-server-generic`]) up.mkdeb(pool, n, '', v)
    }
    for (const v of a.fm) up.mkdeb(pool, FM, '', v)
    up.signedSuite(join(up.www, name), 'bookworm', 'main')
  }
  const dk = join(up.www, 'docker', 'pool', 'stable')
  for (const n of ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin']) up.mkdeb(dk, n)
  up.signedSuite(join(up.www, 'docker'), 'bookworm', 'stable')
  const root = join(work, 'base-root')
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true })
  mkdirSync(join(root, 'etc'), { recursive: true })
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n')
  writeFileSync(join(root, 'var/lib/dpkg/status'), '')
  await up.start()
})

test.after(async () => {
  await up.close()
})

test('upstreamVersion: without epoch and Debian revision (table)', () => {
  for (const [v, want] of [
    ['535.183.01-0ubuntu0.22.04.1', '535.183.01'],
    ['1:535.0-test', '535.0'],
    ['535.0', '535.0'],
    ['570.133.20-0ubuntu0.22.04.1', '570.133.20'],
  ] as const) assert.is(upstreamVersion(v), want, v)
})

test('three Fabric Managers in the archive: the payload holds the driver\'s version only, not the newest', async () => {
  const r = await payload('match')
  assert.is(r.code, 0, r.stderr)
  const debs = debsOf('match')
  assert.ok(debs.includes(`${DRIVER}_535.0-test_amd64.deb`), debs.join(' '))
  assert.equal(debs.filter((d) => d.startsWith(`${FM}_`)), [`${FM}_535.0-test_amd64.deb`])
  assert.match(r.stderr, `${FM}=535.0-test`)
  // What the node's apt sees in the payload's repository: that one version.
  const packages = readFileSync(join(work, 'payload-match', 'tree', 'apt', 'debian-bookworm', 'Packages'), 'utf8')
  const stanzas = packages.split('\n\n').filter((b) => b.startsWith(`Package: ${FM}\n`))
  assert.equal(stanzas.map((b) => /^Version: (\S+)$/m.exec(b)?.[1]), ['535.0-test'], packages)
})

test('a newer driver in the archive: Fabric Manager follows the driver the payload takes (535.1), not the newest (535.2)', async () => {
  const r = await payload('newer-driver')
  assert.is(r.code, 0, r.stderr)
  const debs = debsOf('newer-driver')
  assert.ok(debs.includes(`${DRIVER}_535.1-test_amd64.deb`), debs.join(' '))
  assert.equal(debs.filter((d) => d.startsWith(`${FM}_`)), [`${FM}_535.1-test_amd64.deb`])
})

test('no Fabric Manager of the driver\'s version: the build stops, naming the versions there are; nothing downloaded', async () => {
  const served = up.requests.length
  const r = await payload('none')
  assert.is(r.code, 3, r.stderr)
  assert.match(
    r.stderr,
    `no ${FM} of version 535.0 (the payload's ${DRIVER} is 535.0-test) in the sources: Fabric Manager must match the driver exactly (found: 535.1-test 530.0-test)`,
  )
  assert.not.match(r.stderr, /at .*\.js:\d+/, 'no stack trace')
  assert.equal(up.requests.slice(served).filter((q) => q.includes('.deb ')), [], 'no package downloaded')
  assert.not.ok(existsSync(join(work, 'payload-none', 'tree', 'manifest.txt')))
  assert.is(run('ls', [join(work, 'payload-none', 'tree', 'apt')]).stdout, '')
})

test.run()
