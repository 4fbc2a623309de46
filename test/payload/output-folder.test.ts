// The payload's output folder is opened like every writer's (src/write/output-folder.ts): guard, ownership, one run
// at a time (the lock), the repair of a killed run, temporaries only in .bai-seed/. A second payload run while one
// is under way is refused by the lock, naming the holder; a run killed in the middle of a download leaves the last
// whole payload in place and the next run cleans up after it and reuses what was downloaded; a run killed at any
// point of its switch is repaired by the next run (a whole payload, its manifest matching every file). Against the
// stand-in upstream of the payload tests.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { binRun, tempDir } from '../helpers/repo.js'
import { requireTool } from '../helpers/tools.js'
import { StandInUpstream } from './stand-in-upstream.js'

const work = tempDir('payload-folder')
const up = new StandInUpstream(work)
const SLOW = '/debian/pool/main/curl_1.0-test_amd64.deb'

interface Ran {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binRun, ...args], { maxBuffer: 16 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** The inventory: a manager whose packages come from the stand-in archive; `extra` more packages for a changed payload. */
function inventory(extra: string[] = []): string {
  const file = join(work, 'cluster.yaml')
  writeFileSync(
    file,
    [
      'cluster: {name: bai-offline, domain: offline.internal, release: "23.03"}',
      'network: {subnet: 10.9.0.0/24, gateway: 10.9.0.1, dns: [10.9.0.1]}',
      'storage: {type: local}',
      'mirrors:',
      `  apt: ${up.base}/debian`,
      `  docker_apt: ${up.base}/docker`,
      `  docker_apt_key: ${up.base}/keys/archive.asc`,
      'ssh: {authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR t@bai-seed"]}',
      'nodes:',
      '  - hostname: bai-m1',
      '    ip: 10.9.0.10/24',
      '    roles: [manager]',
      `    overrides: {images: {enabled: false}, python: {enabled: false}, services: {venvs: []}, docker: {key_fingerprint: ${up.fpr}}, packages: {install: [curl, gzip${extra.map((p) => `, ${p}`).join('')}]}}`,
      '',
    ].join('\n'),
  )
  return file
}

const args = (out: string, extra: string[] = []): string[] => ['payload', '-c', inventory(extra), '-o', out, '--archive-keyring', up.keyring, '--base-root', join(work, 'base-root')]
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

/** Every file under `dir` (relative, '/'-separated), .bai-seed/ left out. */
function filesOf(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const p = rel ? `${rel}/${n}` : n
    if (p === '.bai-seed') return []
    return statSync(join(dir, p)).isDirectory() ? filesOf(dir, p) : [p]
  })
}

/** A whole payload: manifest.json lists exactly the files there are, with their sha256; the tree matches its manifest.txt. */
function assertWhole(out: string): { files: string[]; manifest: string } {
  const listed = (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; size: number }[] }).files
  assert.equal(filesOf(out).sort(), [...listed.map((f) => f.path), 'manifest.json'].sort())
  for (const f of listed) assert.is(sha(join(out, f.path)), f.sha256, f.path)
  const text = readFileSync(join(out, 'tree', 'manifest.txt'), 'utf8')
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'))
  assert.equal(lines.map((l) => l.split('  ')[2]).sort(), filesOf(join(out, 'tree')).filter((p) => p !== 'manifest.txt').sort())
  for (const l of lines) {
    const [s, , p] = l.split('  ') as [string, string, string]
    assert.is(sha(join(out, 'tree', p)), s, p)
  }
  assert.equal(readdirSync(join(out, '.bai-seed')).filter((n) => n.startsWith('tmp-') || n === 'journal.json' || n === 'lock'), [], 'leftovers in .bai-seed/')
  return { files: filesOf(out).sort(), manifest: text }
}

test.before(async () => {
  for (const t of ['apt-get', 'apt-ftparchive', 'dpkg-deb', 'gpg']) requireTool(t)
  up.makeKey()
  const deb = join(up.www, 'debian', 'pool', 'main')
  for (const [n, d] of [['curl', 'libcurl-test'], ['libcurl-test', ''], ['gzip', ''], ['extra-test', '']] as const) up.mkdeb(deb, n, d)
  up.signedSuite(join(up.www, 'debian'), 'bookworm', 'main')
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

test('a payload folder: manifest.json owns tree/ and payload.iso; the build cache and nothing else in .bai-seed/; a re-run switches nothing', async () => {
  const out = join(work, 'p1')
  const r = await cli(args(out))
  assert.is(r.code, 0, r.stderr)
  assertWhole(out)
  assert.equal(readdirSync(out).sort(), ['.bai-seed', 'manifest.json', 'payload.iso', 'tree'])
  assert.ok(existsSync(join(out, '.bai-seed', 'payload-cache', 'debs')))
  const deb = join(out, 'tree', 'apt', 'debian-bookworm', 'curl_1.0-test_amd64.deb')
  const before = ['manifest.json', 'payload.iso', 'tree', 'tree/manifest.txt'].map((p) => statSync(join(out, p))).map((s) => [s.ino, s.mtimeMs])
  const debBefore = statSync(deb)
  const again = await cli(args(out))
  assert.is(again.code, 0, again.stderr)
  assert.equal(['manifest.json', 'payload.iso', 'tree', 'tree/manifest.txt'].map((p) => statSync(join(out, p))).map((s) => [s.ino, s.mtimeMs]), before)
  assert.equal([statSync(deb).ino, statSync(deb).mtimeMs], [debBefore.ino, debBefore.mtimeMs])
  // A changed payload: the tree is switched, the .debs that did not change are the same files (hard links).
  const changed = await cli(args(out, ['extra-test']))
  assert.is(changed.code, 0, changed.stderr)
  assertWhole(out)
  assert.ok(existsSync(join(out, 'tree', 'apt', 'debian-bookworm', 'extra-test_1.0-test_amd64.deb')))
  assert.is(statSync(deb).ino, debBefore.ino)
  assert.is.not(statSync(join(out, 'tree')).ino, before[2]![0])
})

test('a folder with content bai-seed did not make is refused (exit 2, nothing written); --force writes into it', async () => {
  const out = join(work, 'foreign')
  mkdirSync(out)
  writeFileSync(join(out, 'notes.txt'), 'mine')
  const r = await cli(args(out))
  assert.is(r.code, 2, r.stderr)
  assert.match(r.stderr, /EREFUSED.*is not empty \(notes\.txt\)/)
  assert.equal(readdirSync(out), ['notes.txt'])
  const f = await cli([...args(out), '--force'])
  assert.is(f.code, 0, f.stderr)
  assert.is(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine')
})

test('a second run while one is under way is refused by the lock, naming the holder; the first completes', async () => {
  const out = join(work, 'p2')
  up.delays.set(SLOW, 9000)
  try {
    const served = up.requests.length
    const first = cli(args(out))
    // The first run holds the lock while apt waits for the slow package.
    for (let i = 0; i < 100 && !up.requests.slice(served).some((q) => q.startsWith(`GET ${SLOW}`)); i++) await sleep(100)
    assert.ok(existsSync(join(out, '.bai-seed', 'lock')), 'the first run holds no lock')
    const second = await cli(args(out))
    assert.is.not(second.code, 0, second.stdout)
    assert.match(second.stderr, /lock/i)
    assert.match(second.stderr, /pid \d+/)
    const r = await first
    assert.is(r.code, 0, r.stderr)
    assertWhole(out)
  } finally {
    up.delays.delete(SLOW)
  }
})

test('a run killed during a download: the payload in place stays whole; the next run removes its leftovers and completes', async () => {
  const out = join(work, 'p3')
  assert.is((await cli(args(out))).code, 0)
  const whole = assertWhole(out)
  const slow = '/debian/pool/main/extra-test_1.0-test_amd64.deb'
  up.delays.set(slow, 60_000)
  const served = up.requests.length
  // A changed payload (one more package), killed while its downloads are under way.
  const child = spawn(process.execPath, [binRun, ...args(out, ['extra-test'])], { stdio: 'ignore' })
  try {
    for (let i = 0; i < 150 && !up.requests.slice(served).some((q) => q.startsWith(`GET ${slow}`)); i++) await sleep(100)
    assert.ok(up.requests.slice(served).some((q) => q.startsWith(`GET ${slow}`)), 'the run never reached the download')
  } finally {
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    up.delays.delete(slow)
  }
  // The old payload, untouched: same files, same manifest.
  assert.equal(filesOf(out).sort(), whole.files)
  assert.is(readFileSync(join(out, 'tree', 'manifest.txt'), 'utf8'), whole.manifest)
  assert.ok(readdirSync(join(out, '.bai-seed')).some((n) => n.startsWith(`tmp-${child.pid}-`)), 'the killed run left its staging folder')
  const r = await cli(args(out, ['extra-test']))
  assert.is(r.code, 0, r.stderr)
  assertWhole(out)
  assert.ok(existsSync(join(out, 'tree', 'apt', 'debian-bookworm', 'extra-test_1.0-test_amd64.deb')))
})

test('a run killed at every point of its switch: the next run repairs it, and the payload is whole', async () => {
  const out = join(work, 'p4')
  // Without the ISO: the tree is the unit of thousands of files whose switch matters (the ISO is one file like it).
  const p4 = (extra: string[]): string[] => [...args(out, extra), '--no-iso']
  assert.is((await cli(p4([]))).code, 0)
  let n = 1
  let last: Ran | undefined
  for (; n <= 20; n++) {
    // Each run switches to the other payload (one more package, or one less), killed at its n-th crash point.
    const extra = n % 2 ? ['extra-test'] : []
    last = await cli(p4(extra), { BAI_SEED_TEST_CRASH_POINT: String(n) })
    if (last.code === 0) break
    const repaired = await cli(p4(extra))
    assert.is(repaired.code, 0, repaired.stderr)
    assertWhole(out)
    assert.is(existsSync(join(out, 'tree', 'apt', 'debian-bookworm', 'extra-test_1.0-test_amd64.deb')), extra.length > 0)
  }
  // The journal, the tree moved away and in, the manifest, the clean-up: every one of them was crashed at.
  assert.ok(n > 4, `only ${n - 1} crash point(s) passed`)
  assertWhole(out)
})

test.run()
