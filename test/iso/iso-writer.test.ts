// `bai-seed iso` writes like `render` (issue 19): the output-folder guard, an exclusive 0600 temporary file in the
// folder's state (a planted symbolic link never receives the image), a killed run's partial image removed by the
// next run, the ISO entered in manifest.json; and an ISO whose node configs hold a password hash is 0600 on disk
// with those configs 0600 inside (Rock Ridge), read back by isoinfo.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { binRun, exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { requireTool, run } from '../helpers/tools.js'
import { buildUbuntu2004FixtureIso } from '../helpers/ubuntu-fixture-iso.js'
import { snapshot } from '../write/output-fixture.js'
import { writeImageFile } from '../../src/iso9660/image-writer.js'
import { layoutImage } from '../../src/iso9660/layout.js'
import { emptyDir } from '../../src/iso9660/tree.js'

const dir = tempDir('iso-writer')
let base = ''
const ISO = join('installer', 'bai-example-autoinstall.iso')
const HASH = '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.'

test.before(() => {
  for (const t of ['xorriso', 'isoinfo', 'strace', 'grub-mkstandalone', 'grub-mkimage', 'mkfs.vfat', 'mcopy']) requireTool(t)
  const kernel = join(dir, 'vmlinuz')
  const initrd = join(dir, 'initrd')
  writeFileSync(kernel, Buffer.alloc(100_000, 1))
  writeFileSync(initrd, Buffer.alloc(100_000, 2))
  base = buildUbuntu2004FixtureIso({ dir, vmlinuz: kernel, initrd })
})

const iso = (out: string, env: NodeJS.ProcessEnv = {}, inventory = exampleInventory) => runCli(['iso', '--base', base, '-c', inventory, '-o', out], env)

test('iso: never /, a home folder, the inventory\'s folder or a profile folder; nothing written', () => {
  const site = join(dir, 'site')
  mkdirSync(site)
  const inv = join(site, 'cluster.yaml')
  copyFileSync(exampleInventory, inv)
  const profiles = join(dir, 'profiles')
  mkdirSync(profiles)
  const cases: [string[], RegExp][] = [
    [['-o', '/'], /refusing to write into the root folder \//],
    [['-o', '/root'], /refusing to write into the home folder \/root/],
    [['-o', site], /refusing to write into the folder of the inventory/],
    [['-o', dir], /refusing to write into a folder that holds the inventory/],
    [['-o', profiles, '--profiles', profiles], /refusing to write into the profile folder/],
  ]
  for (const [args, message] of cases) {
    const before = snapshot(dir)
    const rootBefore = readdirSync('/root').sort()
    const r = runCli(['iso', '--base', base, '-c', inv, ...args], { HOME: join(dir, 'not-home') })
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(snapshot(dir), before, `${args.join(' ')}: nothing changed`)
    assert.equal(readdirSync('/root').sort(), rootBefore)
  }
})

test('iso: the image goes to an exclusive 0600 temporary file in .bai-seed/; a planted link is never followed', async () => {
  const out = join(dir, 'excl')
  const trace = join(dir, 'strace.txt')
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=open,openat', '-o', trace, process.execPath, binRun, 'iso', '--base', base, '-c', exampleInventory, '-o', out], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
  })
  assert.is(r.status, 0, r.stderr)
  const opens = readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes(out) && /\.iso/.test(l) && /O_WRONLY|O_RDWR/.test(l))
  assert.is(opens.length, 1, opens.join('\n'))
  assert.match(opens[0]!, /\/\.bai-seed\/tmp-\d+-\w+\/installer\/bai-example-autoinstall\.iso\.partial", O_WRONLY\|O_CREAT\|O_EXCL(\|O_TRUNC)?\|O_CLOEXEC, 0600\) = \d+/)
  assert.is(statSync(join(out, ISO)).mode & 0o777, 0o644, 'no secret: readable by all')
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  assert.equal(manifest.files.map((f: { path: string; mode: string }) => `${f.path} ${f.mode}`), ['installer/bai-example-autoinstall.iso 0644'])
  // The writer itself: a symbolic link (or anything) at the temporary path stops the write and receives nothing.
  const victim = join(dir, 'victim')
  writeFileSync(victim, 'outside\n')
  const temp = join(dir, 'planted.partial')
  symlinkSync(victim, temp)
  const layout = layoutImage(emptyDir(Buffer.alloc(0)), { volumeId: 'X', epoch: 1700000000 })
  let code = ''
  try {
    await writeImageFile(layout, join(dir, 'x.iso'), { temp })
  } catch (e) {
    code = (e as NodeJS.ErrnoException).code ?? ''
  }
  assert.is(code, 'EEXIST')
  assert.is(readFileSync(victim, 'utf8'), 'outside\n')
  assert.not.ok(existsSync(join(dir, 'x.iso')))
})

test('iso: a killed run leaves a 0600 partial image in .bai-seed/ only, and the next run removes it', () => {
  const out = join(dir, 'killed')
  const r = iso(out, { BAI_SEED_TEST_CRASH_POINT: '1' })
  assert.is(r.status, -1, r.stderr)
  const partials = (readdirSync(join(out, '.bai-seed'), { recursive: true }) as string[]).filter((n) => n.endsWith('.partial'))
  assert.is(partials.length, 1, partials.join(' '))
  assert.match(partials[0]!, /^tmp-\d+-\w+\/installer\/bai-example-autoinstall\.iso\.partial$/)
  assert.is(statSync(join(out, '.bai-seed', partials[0]!)).mode & 0o777, 0o600)
  assert.equal(readdirSync(out), ['.bai-seed'], 'nothing outside .bai-seed/')
  const again = iso(out)
  assert.is(again.status, 0, again.stderr)
  assert.equal(readdirSync(join(out, '.bai-seed')).filter((n) => n !== 'lock'), [])
  assert.ok(existsSync(join(out, ISO)))
})

test('iso: an ISO not listed in the manifest is never replaced', () => {
  const out = join(dir, 'theirs')
  mkdirSync(join(out, 'installer'), { recursive: true })
  writeFileSync(join(out, 'manifest.json'), '{"format": 1, "files": []}\n')
  writeFileSync(join(out, ISO), 'their image\n')
  const r = iso(out)
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /bai-example-autoinstall\.iso: exists, and bai-seed did not write it/)
  assert.is(readFileSync(join(out, ISO), 'utf8'), 'their image\n')
})

test('iso: with a password hash the ISO is 0600 and the node configs inside are 0600 (Rock Ridge)', () => {
  const inv = join(dir, 'secret', 'cluster.yaml')
  mkdirSync(dirname(inv), { recursive: true })
  writeFileSync(inv, readFileSync(exampleInventory, 'utf8').replace(/^nodes:$/m, `password:\n  hash: "${HASH}"\nnodes:`))
  const out = join(dir, 'secret', 'out')
  const r = iso(out, {}, inv)
  assert.is(r.status, 0, r.stderr)
  assert.is(statSync(join(out, ISO)).mode & 0o777, 0o600)
  const listing = run('isoinfo', ['-R', '-l', '-i', join(out, ISO)]).stdout
  const modes = new Map<string, string>()
  let folder = ''
  for (const line of listing.split('\n')) {
    const d = /^Directory listing of (.*)$/.exec(line)
    if (d) folder = d[1]!
    const m = /^([-dlrwx]{10})\s.*\]\s+(\S+)\s*$/.exec(line)
    if (m && folder.startsWith('/nocloud/')) modes.set(`${folder}${m[2]}`, m[1]!)
  }
  for (const host of ['bai-m1', 'bai-a01', 'bai-a02']) assert.is(modes.get(`/nocloud/nodes/${host}.yaml`), '-rw-------', `${host}: ${listing}`)
  assert.is(modes.get('/nocloud/user-data'), '-rw-r--r--')
  assert.is(modes.get('/nocloud/select-node.sh'), '-rwxr-xr-x')
  assert.match(run('isoinfo', ['-R', '-i', join(out, ISO), '-x', '/nocloud/nodes/bai-a01.yaml']).stdout, /hashed_passwd: \$6\$abcdefgh\$/)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  assert.equal(manifest.files.map((f: { mode: string }) => f.mode), ['0600'])
})

test.run()
