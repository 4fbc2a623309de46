// Bundles: the same bytes on every run (also under another umask and time zone), and what independent readers
// (bsdtar, unzip) see in them: order, owner, modes (0600 for password-hash files), mtimes, no extra fields, and
// contents equal to the rendered files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { binRun, exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { requireTool, run } from '../helpers/tools.js'
import { runCli } from '../helpers/run-cli.js'
import { writeBundle } from '../../src/write/bundle.js'
import { writeFileSync, mkdtempSync, utimesSync } from 'node:fs'

const EPOCH = 1700000000
const PASSWORD_ENV = { BAI_TEST_PASSWORD: 'correct horse battery staple' }
const singleNode = join(fixtures, 'single-node.yaml')

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Runs the CLI under a given umask and time zone (through sh, which sets the umask). */
function bundleCli(args: string[], opts: { umask?: string; tz?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `umask ${opts.umask ?? '022'}; exec "$0" "$@"`, process.execPath, binRun, 'bundle', ...args], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH), TZ: opts.tz ?? 'UTC', ...PASSWORD_ENV },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function bundleOf(inventory: string, format: 'tar.gz' | 'zip', opts: { umask?: string; tz?: string; node?: string[] } = {}): { out: string; file: string } {
  const out = join(tempDir('bundle'), 'out')
  const nodes = (opts.node ?? []).flatMap((n) => ['--node', n])
  const r = bundleCli(['-c', inventory, '-o', out, '--format', format, ...nodes], opts)
  assert.is(r.status, 0, r.stderr)
  const file = join(out, `bundle.${format}`)
  assert.match(r.stdout, new RegExp(`wrote ${file.replace(/[.]/g, '\\.')} `))
  return { out, file }
}

/**
 * Files under out/<host>/ in the walk order of the bundle: one top-level folder named after the cluster, then
 * depth-first, names in byte order, folders with '/'.
 */
function expectedEntries(out: string, hosts: string[], root: string): string[] {
  const walk = (rel: string): string[] => {
    const names = readdirSync(join(out, rel)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return [`${rel}/`, ...names.flatMap((n) => (statSync(join(out, rel, n)).isDirectory() ? walk(`${rel}/${n}`) : [`${rel}/${n}`]))]
  }
  return [`${root}/`, ...hosts.sort().flatMap((h) => walk(h)).map((n) => `${root}/${n}`), `${root}/manifest.json`]
}

interface MtreeEntry {
  [key: string]: string
}

/** bsdtar's own reading of every entry's metadata, as mtree lines. */
function mtree(archive: string): Map<string, MtreeEntry> {
  requireTool('bsdtar')
  const r = run('bsdtar', ['-cf', '-', '--format=mtree', '--options=!all,type,mode,uid,gid,uname,gname,time,size', `@${archive}`])
  assert.is(r.status, 0, r.stderr)
  const entries = new Map<string, MtreeEntry>()
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('./')) continue
    const [name, ...fields] = line.split(' ')
    entries.set(name!.slice(2), Object.fromEntries(fields.map((f) => f.split('=') as [string, string])))
  }
  return entries
}

function listing(archive: string): string[] {
  requireTool('bsdtar')
  const r = run('bsdtar', ['-tf', archive])
  assert.is(r.status, 0, r.stderr)
  return r.stdout.split('\n').filter((l) => l !== '')
}

for (const format of ['tar.gz', 'zip'] as const) {
  test(`${format}: two runs give the same sha256, also under umask 077 and another time zone`, () => {
    const a = bundleOf(exampleInventory, format)
    const b = bundleOf(exampleInventory, format, { umask: '077', tz: 'Asia/Seoul' })
    assert.is(sha256(a.file), sha256(b.file))
  })

  test(`${format}: entries in walk order, fixed mtimes and modes, 0600/0700 for files holding a password hash`, () => {
    const { out, file } = bundleOf(singleNode, format)
    const names = listing(file)
    assert.equal(names, expectedEntries(out, ['bai-all'], 'lab'))
    const meta = mtree(file)
    assert.is(meta.size, names.length)
    for (const [name, m] of meta) {
      assert.is(m.time, `${EPOCH}.0`, name)
      if (format === 'tar.gz') assert.equal([m.uid, m.gid, m.uname, m.gname], ['0', '0', 'root', 'root'], name)
    }
    const mode = (name: string): string => meta.get(`lab/${name}`)!.mode!
    assert.is(mode('bai-all'), '755')
    assert.is(mode('bai-all/autoinstall'), '755')
    assert.is(mode('bai-all/autoinstall/user-data'), '600', 'holds the password hash')
    assert.is(mode('bai-all/cloud-init/user-data'), '600', 'holds the password hash')
    assert.is(mode('bai-all/provision.sh'), '700', 'holds the password hash, executable')
    assert.is(mode('bai-all/autoinstall/meta-data'), '644')
    assert.is(mode('bai-all/cloud-init/network-config'), '644')
    assert.is(mode('manifest.json'), '644')
  })

  test(`${format}: extracted files equal the rendered ones; the bundled manifest matches them`, () => {
    const { out, file } = bundleOf(exampleInventory, format, { node: ['bai-a01', 'bai-m1'] })
    const dest = join(tempDir('extract'), 'x')
    mkdirSync(dest)
    const r = run('bsdtar', ['-xf', file, '-C', dest])
    assert.is(r.status, 0, r.stderr)
    assert.equal(readdirSync(dest), ['bai-example'], 'one top-level folder, named after the cluster')
    const top = join(dest, 'bai-example')
    const manifest = JSON.parse(readFileSync(join(top, 'manifest.json'), 'utf8'))
    const files = expectedEntries(out, ['bai-a01', 'bai-m1'], 'bai-example')
      .filter((n) => !n.endsWith('/') && !n.endsWith('/manifest.json'))
      .map((n) => n.slice('bai-example/'.length))
    assert.equal(manifest.files.map((f: { path: string }) => f.path), files)
    for (const f of manifest.files) {
      assert.ok(readFileSync(join(top, f.path)).equals(readFileSync(join(out, f.path))), f.path)
      assert.is(f.sha256, sha256(join(out, f.path)), f.path)
    }
    assert.not.ok(existsSync(join(top, 'bai-a02')), 'only the selected nodes')
    // The output folder's manifest lists the bundle itself.
    const outManifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    assert.ok(outManifest.files.some((f: { path: string; sha256: string }) => f.path === `bundle.${format}` && f.sha256 === sha256(file)))
    assert.equal(readdirSync(out).filter((n) => n.startsWith('.') && n !== '.bai-seed'), [], 'no staging folder left')
  })
}

test('tar.gz: the gzip header carries no time, no name and no OS; gzip -t and bsdtar accept it', () => {
  const { file } = bundleOf(exampleInventory, 'tar.gz')
  const head = readFileSync(file).subarray(0, 10)
  assert.is(head.toString('hex'), '1f8b08000000000002ff')
  requireTool('gzip')
  assert.is(run('gzip', ['-t', file]).status, 0)
})

test('zip: no extra fields in any header, UTC DOS times, Unix modes; unzip -t and unzip -Z agree', () => {
  const { file } = bundleOf(singleNode, 'zip')
  const buf = readFileSync(file)
  let local = 0
  let central = 0
  for (let i = 0; i + 4 <= buf.length; i++) {
    const sig = buf.readUInt32LE(i)
    if (sig === 0x04034b50) {
      // APPNOTE 4.3.7: local file header, extra field length at offset 28.
      assert.is(buf.readUInt16LE(i + 28), 0, `local extra field at ${i}`)
      local++
    } else if (sig === 0x02014b50) {
      // APPNOTE 4.3.12: central directory header, version made by (high byte 3 = Unix) and extra length at 30.
      assert.is(buf[i + 5], 3, 'made on Unix (mode bits are meaningful)')
      assert.is(buf.readUInt16LE(i + 30), 0, `central extra field at ${i}`)
      central++
    }
  }
  assert.ok(local > 0 && local === central, `${local} local, ${central} central headers`)
  requireTool('unzip')
  assert.is(run('unzip', ['-tq', file]).status, 0)
  const z = spawnSync('unzip', ['-Z', '-T', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
  assert.is(z.status, 0, z.stderr)
  // 1700000000 = 2023-11-14 22:13:20 UTC; DOS times have 2-second steps, 20 is even.
  assert.match(z.stdout, /^-rw-------\s.* 20231114\.221320 lab\/bai-all\/autoinstall\/user-data$/m)
  assert.match(z.stdout, /^-rwx------\s.* 20231114\.221320 lab\/bai-all\/provision\.sh$/m)
  assert.match(z.stdout, /^drwxr-xr-x\s.* 20231114\.221320 lab\/bai-all\/$/m)
})

test('seed ISOs in a node folder are streamed into both formats whole', async () => {
  const dir = tempDir('iso-bundle')
  mkdirSync(join(dir, 'bai-x', 'autoinstall'), { recursive: true })
  const iso = Buffer.alloc(5 * 1024 * 1024 + 3)
  for (let i = 0; i < iso.length; i += 4096) iso[i] = (i / 4096) & 0xff
  writeFileSync(join(dir, 'bai-x', 'autoinstall.iso'), iso)
  writeFileSync(join(dir, 'bai-x', 'autoinstall', 'user-data'), '#cloud-config\n', { mode: 0o600 })
  for (const format of ['tar.gz', 'zip'] as const) {
    const { path, entries } = await writeBundle({ dir, root: 'c', hostnames: ['bai-x'], format, epoch: EPOCH, stagingDir: mkdtempSync(join(dir, '.t-')) })
    assert.equal(entries.map((e) => e.name), ['c/', 'c/bai-x/', 'c/bai-x/autoinstall/', 'c/bai-x/autoinstall/user-data', 'c/bai-x/autoinstall.iso'])
    const dest = join(tempDir('iso-x'), 'x')
    mkdirSync(dest)
    assert.is(run('bsdtar', ['-xf', path, '-C', dest]).status, 0)
    assert.ok(readFileSync(join(dest, 'c', 'bai-x', 'autoinstall.iso')).equals(iso), format)
    assert.is(mtree(path).get('c/bai-x/autoinstall/user-data')!.mode, '600')
  }
})

test('without SOURCE_DATE_EPOCH each file carries its own mtime: a changed file is newer, unchanged output the same bytes', async () => {
  const dir = tempDir('dated-bundle')
  mkdirSync(join(dir, 'bai-x'), { recursive: true })
  const a = join(dir, 'bai-x', 'a.txt')
  const b = join(dir, 'bai-x', 'b.txt')
  writeFileSync(a, 'one\n')
  writeFileSync(b, 'two\n')
  utimesSync(a, 1700000000, 1700000000)
  utimesSync(b, 1700000100, 1700000100)
  const make = async (): Promise<string> =>
    (await writeBundle({ dir, root: 'c', hostnames: ['bai-x'], format: 'tar.gz', epoch: null, stagingDir: mkdtempSync(join(dir, '.t-')) })).path
  const first = await make()
  const again = await make()
  assert.ok(readFileSync(first).equals(readFileSync(again)), 'unchanged files: the same bundle bytes')
  const times = (path: string): Map<string, string> => new Map([...mtree(path)].map(([k, v]) => [k, v.time]))
  const t1 = times(first)
  assert.is(t1.get('c/bai-x/a.txt'), '1700000000.0')
  assert.is(t1.get('c/bai-x/b.txt'), '1700000100.0')
  // Folders and the manifest: the newest file's time.
  assert.is(t1.get('c/bai-x'), '1700000100.0')
  assert.is(t1.get('c/manifest.json'), '1700000100.0')
  // Same size, new bytes, a later time: the entry's time moves (cp -u and rsync's size+time check see the change).
  writeFileSync(a, 'ONE\n')
  utimesSync(a, 1700000200, 1700000200)
  const t2 = times(await make())
  assert.is(t2.get('c/bai-x/a.txt'), '1700000200.0')
  assert.is(t2.get('c/bai-x/b.txt'), '1700000100.0')
})

test('bundle CLI: bad format and invalid input exit 2 and write no bundle', () => {
  const out = join(tempDir('bundle'), 'out')
  const r = runCli(['bundle', '-c', exampleInventory, '-o', out, '--format', 'rar'])
  assert.is(r.status, 2)
  assert.match(r.stderr, /Expected --format=rar to be one of: tar.gz, zip/)
  const r2 = runCli(['bundle', '-c', join(fixtures, 'single-node.yaml'), '-o', out], { BAI_TEST_PASSWORD: '' })
  assert.is(r2.status, 2)
  assert.match(r2.stderr, /PASSWORD_SOURCE/)
  assert.not.ok(existsSync(join(out, 'bundle.tar.gz')))
})

test.run()
