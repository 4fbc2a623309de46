// `bai-seed payload` against a small upstream made here and served on loopback (a signed Debian-style archive and
// Docker repository of stand-in packages, a python-build-standalone-shaped release, a PEP 503 index): apt resolves the
// closure for the base image's release and leaves out what the base image has; the payload's repository is signed and
// real apt reads it; the manifest lists every file; the ISO carries the tree under its label; a re-run fetches no
// package again and changes no file; --sign-key signs the manifest; --split joins back to the same image.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, tempDir } from '../helpers/repo.js'
import { requireTool, run } from '../helpers/tools.js'
import { StandInUpstream } from './stand-in-upstream.js'

const work = tempDir('payload-build')
const up = new StandInUpstream(work)
const www = up.www
const requests = up.requests

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binRun, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** gpg-agents running for the GNUPGHOME `home` (gpg starts one for any secret key operation and leaves it). */
function agentsOf(home: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    if (argv[0]?.endsWith('gpg-agent') && argv.includes(home)) found.push(`${pid} ${argv.join(' ')}`)
  }
  return found
}

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

test.before(async () => {
  for (const t of ['apt-get', 'apt-ftparchive', 'dpkg-deb', 'gpg', 'ssh-keygen', 'isoinfo', 'tar']) requireTool(t)
  up.makeKey()
  const fpr = up.fpr
  // The archive: the packages step's names (curl with a dependency), one package nobody asks for.
  const deb = join(www, 'debian')
  for (const [n, d] of [['curl', 'libcurl-test'], ['libcurl-test', ''], ['ca-certificates', ''], ['gnupg', ''], ['tar', ''], ['gzip', ''], ['unused-test', '']] as const) {
    up.mkdeb(join(deb, 'pool', 'main'), n, d)
  }
  up.signedSuite(deb, 'bookworm', 'main')
  // Docker's repository: the docker step's packages.
  const dk = join(www, 'docker')
  for (const [n, d] of [['docker-ce', 'containerd.io, docker-ce-cli'], ['docker-ce-cli', ''], ['containerd.io', ''], ['docker-buildx-plugin', ''], ['docker-compose-plugin', 'docker-ce-cli']] as const) {
    up.mkdeb(join(dk, 'pool', 'stable'), n, d)
  }
  up.signedSuite(dk, 'bookworm', 'stable')
  // python-build-standalone release of the 23.03 line (3.11.3, 20230507).
  const pbs = join(www, 'pbs', '20230507')
  mkdirSync(pbs, { recursive: true })
  const asset = 'cpython-3.11.3+20230507-x86_64-unknown-linux-gnu-install_only.tar.gz'
  writeFileSync(join(pbs, asset), 'python archive stand-in')
  writeFileSync(join(pbs, 'SHA256SUMS'), `${sha(join(pbs, asset))}  ${asset}\n0000000000000000000000000000000000000000000000000000000000000000  other.tar.gz\n`)
  // PEP 503 index: two pip wheels (the newer one wants a newer Python), setuptools, wheel.
  for (const [name, files] of [
    ['pip', [['pip-23.1-py3-none-any.whl', '>=3.7'], ['pip-99.0-py3-none-any.whl', '>=3.12'], ['pip-23.0.tar.gz', '']]],
    ['setuptools', [['setuptools-68.0.0-py3-none-any.whl', '']]],
    ['wheel', [['wheel-0.41.0-py3-none-any.whl', '']]],
  ] as const) {
    const dir = join(www, 'simple', name)
    mkdirSync(dir, { recursive: true })
    const links = files.map(([f, req]) => {
      writeFileSync(join(www, 'simple', name, f), `wheel ${f}`)
      return `<a href="${f}#sha256=${sha(join(dir, f))}"${req ? ` data-requires-python="${req.replace('>', '&gt;')}"` : ''}>${f}</a>`
    })
    writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`)
  }
  // The base image: Debian 12 with tar installed already.
  const root = join(work, 'base-root')
  mkdirSync(join(root, 'etc'), { recursive: true })
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true })
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n')
  writeFileSync(join(root, 'var/lib/dpkg/status'), 'Package: tar\nStatus: install ok installed\nVersion: 1.0-test\nArchitecture: amd64\nMaintainer: t\nDescription: x\n\n')
  await up.start()
  const base = up.base
  writeFileSync(
    join(work, 'cluster.yaml'),
    [
      'cluster: {name: bai-offline, domain: offline.internal, release: "23.03"}',
      'network: {subnet: 10.9.0.0/24, gateway: 10.9.0.1, dns: [10.9.0.1]}',
      'storage: {type: local}',
      'mirrors:',
      `  apt: ${base}/debian`,
      `  docker_apt: ${base}/docker`,
      `  docker_apt_key: ${base}/keys/archive.asc`,
      `  python: ${base}/pbs`,
      `  pypi: ${base}/simple`,
      'ssh: {authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR t@bai-seed"]}',
      'nodes:',
      '  - hostname: bai-m1',
      '    ip: 10.9.0.10/24',
      '    roles: [manager]',
      `    overrides: {images: {enabled: false}, docker: {key_fingerprint: ${fpr}}}`,
      '',
    ].join('\n'),
  )
})

test.after(async () => {
  await up.close()
})

const out = join(work, 'payload')
const payloadArgs = (): string[] => [
  'payload', '-c', join(work, 'cluster.yaml'), '-o', out,
  '--base-root', join(work, 'base-root'), '--archive-keyring', up.keyring,
]

let digest = ''

test('the payload: the apt closure for the base image, Python with SHA256SUMS, wheels, keys, manifest, ISO', async () => {
  const r = await cli(payloadArgs())
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stderr, /payload: estimated download: [\d.]+ KiB \(apt [\d.]+ KiB not yet cached, Python 0\.0 KiB, images 0\.0 KiB/)
  digest = /manifest sha256 ([0-9a-f]{64})/.exec(r.stdout)![1]!
  const tree = join(out, 'tree')
  assert.is(sha(join(tree, 'manifest.txt')), digest)
  const repo = join(tree, 'apt', 'debian-bookworm')
  const debs = readdirSync(repo).filter((f) => f.endsWith('.deb')).map((f) => f.split('_')[0])
  // tar is in the base image; unused-test is asked for by no step.
  assert.equal(debs.sort(), ['ca-certificates', 'containerd.io', 'curl', 'docker-buildx-plugin', 'docker-ce', 'docker-ce-cli', 'docker-compose-plugin', 'gnupg', 'gzip', 'libcurl-test'])
  assert.ok(existsSync(join(repo, 'InRelease')) && existsSync(join(repo, 'Release.gpg')))
  assert.is(readFileSync(join(tree, 'python/20230507/cpython-3.11.3+20230507-x86_64-unknown-linux-gnu-install_only.tar.gz'), 'utf8'), 'python archive stand-in')
  assert.ok(existsSync(join(tree, 'python/20230507/SHA256SUMS')))
  assert.equal(readdirSync(join(tree, 'wheels')).sort(), ['pip-23.1-py3-none-any.whl', 'setuptools-68.0.0-py3-none-any.whl', 'wheel-0.41.0-py3-none-any.whl'])
  assert.ok(existsSync(join(tree, 'keys', 'payload-archive.gpg')))
  assert.ok(existsSync(join(tree, 'keys', 'debian-bookworm-docker.gpg')))
  // The manifest lists every file of the tree (but itself) with its size and sha256.
  const lines = readFileSync(join(tree, 'manifest.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
  const listed = lines.map((l) => l.split('  ')[2])
  const walk = (d: string, rel = ''): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n), `${rel}${n}/`) : [`${rel}${n}`]))
  assert.equal(listed, walk(tree).filter((p) => p !== 'manifest.txt').sort())
  for (const l of lines) {
    const [s, size, p] = l.split('  ') as [string, string, string]
    assert.is(sha(join(tree, p)), s, p)
    assert.is(statSync(join(tree, p)).size, Number(size), p)
  }
  // Signing the repository started a gpg-agent for the payload's own GNUPGHOME: the build stopped it.
  assert.equal(agentsOf(join(out, '.bai-seed', 'payload-cache', 'gnupg')), [])
})

test('real apt reads the payload repository as it is, checking its signature with keys/payload-archive.gpg', () => {
  const tree = join(out, 'tree')
  const st = join(work, 'apt-check')
  mkdirSync(join(st, 'lists', 'partial'), { recursive: true })
  writeFileSync(join(st, 'status'), '')
  writeFileSync(join(st, 'sources.list'), `deb [signed-by=${tree}/keys/payload-archive.gpg] file:${tree}/apt/debian-bookworm ./\n`)
  const apt = ['-o', `Dir::State::status=${st}/status`, '-o', `Dir::State::Lists=${st}/lists`, '-o', `Dir::Etc::SourceList=${st}/sources.list`,
    '-o', 'Dir::Etc::SourceParts=/nonexistent', '-o', `Dir::Cache=${st}/cache`, '-o', 'Debug::NoLocking=1', '-o', 'APT::Architecture=amd64']
  const u = run('apt-get', [...apt, 'update'])
  assert.is(u.status, 0, u.stderr)
  assert.not.match(u.stdout + u.stderr, /NO_PUBKEY|not signed|GPG error|Failed to fetch/)
  assert.match(u.stdout, /InRelease/)
  const s = run('apt-get', [...apt, '-s', 'install', 'docker-ce', 'curl'])
  assert.is(s.status, 0, s.stderr)
  assert.match(s.stdout, /^Inst libcurl-test /m)
  assert.match(s.stdout, /^Inst containerd\.io /m)
})

test('the ISO: label BAI_PAYLOAD, the tree inside with Rock Ridge names, the same manifest', () => {
  const iso = join(out, 'payload.iso')
  assert.match(run('isoinfo', ['-d', '-i', iso]).stdout, /Volume id: BAI_PAYLOAD/)
  const files = run('isoinfo', ['-R', '-f', '-i', iso]).stdout
  assert.match(files, /^\/apt\/debian-bookworm\/docker-ce_1\.0-test_amd64\.deb$/m)
  assert.match(files, /^\/python\/20230507\/cpython-3\.11\.3\+20230507-x86_64-unknown-linux-gnu-install_only\.tar\.gz$/m)
  const manifest = run('isoinfo', ['-R', '-i', iso, '-x', '/manifest.txt']).stdout
  assert.is(manifest, readFileSync(join(out, 'tree', 'manifest.txt'), 'utf8'))
})

test('a re-run fetches no package again, changes no file and prints the same digest', async () => {
  const mt = (p: string): number => statSync(join(out, p)).mtimeMs
  const before = ['tree/manifest.txt', 'payload.iso', 'tree/apt/debian-bookworm/InRelease'].map(mt)
  const served = requests.length
  const r = await cli(payloadArgs())
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, `manifest sha256 ${digest}`)
  const fetched = requests.slice(served).filter((q) => /\.(deb|tar\.gz|whl) /.test(q))
  assert.equal(fetched, [])
  assert.equal(['tree/manifest.txt', 'payload.iso', 'tree/apt/debian-bookworm/InRelease'].map(mt), before)
})

test('on a terminal, the downloads show their progress on one rewritten line; without one, no such line', async () => {
  const r = await cli(payloadArgs())
  assert.not.match(r.stderr, '\r', 'progress written to a pipe')
  // script(1) gives the CLI a terminal; asynchronous, as the upstream answers from this process.
  const command = [process.execPath, binRun, ...payloadArgs()].map((a) => `'${a}'`).join(' ')
  const tty = await new Promise<string>((resolve) =>
    execFile('script', ['-qec', command, '/dev/null'], { maxBuffer: 16 << 20 }, (_err, stdout) => resolve(stdout)),
  )
  assert.match(tty, '\r\x1b[Kpayload: apt debian-bookworm: 0.0 KiB')
  assert.match(tty, /manifest sha256 [0-9a-f]{64}/)
})

test('--sign-key signs the manifest (ssh-keygen -Y verify with the printed key); --split joins back to the same image', async () => {
  const key = join(work, 'signer')
  assert.is(run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'payload', '-f', key]).status, 0)
  const r = await cli([...payloadArgs(), '--sign-key', key, '--split', '1M'])
  assert.is(r.code, 0, r.stderr)
  const signer = /signed by (ssh-ed25519 \S+)/.exec(r.stdout)![1]!
  const allowed = join(work, 'allowed')
  writeFileSync(allowed, `bai-seed-payload ${signer}\n`)
  const tree = join(out, 'tree')
  const v = run('bash', ['-c', `ssh-keygen -Y verify -f ${allowed} -I bai-seed-payload -n bai-seed-payload -s ${tree}/manifest.txt.sig < ${tree}/manifest.txt`])
  assert.is(v.status, 0, v.stderr)
  const joined = join(work, 'joined.iso')
  const j = run('bash', [join(out, 'split', 'join.sh'), joined])
  assert.is(j.status, 0, j.stderr)
  assert.is(sha(joined), sha(join(out, 'payload.iso')))
})

test('bad flags: --split too small, a base root without os-release: exit 2, one line', async () => {
  for (const [args, msg] of [
    [['--split', '10K'], /--split 10K: give a size of at least 1M/],
    [['--base-root', work], /--base-root .*: it has no etc\/os-release/],
  ] as const) {
    const r = await cli(['payload', '-c', join(work, 'cluster.yaml'), '-o', join(work, 'bad'), ...args])
    assert.is(r.code, 2, r.stderr)
    assert.match(r.stderr, msg)
  }
})

test('the output guard: -o / and the folder of the inventory are refused before anything is made (exit 2, EREFUSED)', async () => {
  const before = readdirSync(work).sort()
  for (const dir of ['/', work]) {
    const r = await cli(['payload', '-c', join(work, 'cluster.yaml'), '-o', dir])
    assert.is(r.code, 2, r.stderr)
    assert.match(r.stderr, /EREFUSED/)
  }
  assert.equal(readdirSync(work).sort(), before, 'nothing made in the inventory folder')
  assert.not.ok(existsSync('/tree'))
})

test.run()
