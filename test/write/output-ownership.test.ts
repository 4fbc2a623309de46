// The output folder belongs to bai-seed only as far as bai-seed made it: refusals (exit 3, nothing changed), --force,
// a manifest of exactly what bai-seed wrote, stale node folders, stale staging folders, the lock, planted symlinks
// and the times on disk. Through the real CLI.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { binRun, exampleInventory, repoRoot, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { hostsOf, inventoryOf, manifestProblems, snapshot } from './output-fixture.js'

const manifestOf = (out: string): { files: { path: string }[] } => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))

test('a node folder bai-seed did not write is refused (exit 2), its files kept; --force replaces it', () => {
  const out = join(tempDir('own'), 'out')
  mkdirSync(join(out, 'bai-a01'), { recursive: true })
  writeFileSync(join(out, 'bai-a01', 'precious.txt'), 'mine\n')
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /^error\[EREFUSED\] .*out: is not empty \(bai-a01\) and has no manifest\.json/m)
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  assert.is(readFileSync(join(out, 'bai-a01', 'precious.txt'), 'utf8'), 'mine\n')
  assert.not.ok(existsSync(join(out, 'bai-m1')), 'nothing written')
  const forced = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso', '--force'])
  assert.is(forced.status, 0, forced.stderr)
  assert.not.ok(existsSync(join(out, 'bai-a01', 'precious.txt')))
  assert.equal(manifestProblems(out), [])
})

test('a file added to a rendered node folder is not deleted by the next render', () => {
  const out = join(tempDir('own'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  writeFileSync(join(out, 'bai-a01', 'precious.txt'), 'mine\n')
  const before = snapshot(out)
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 2)
  assert.match(r.stderr, /bai-a01: holds precious\.txt, which bai-seed did not write \(manifest\.json does not list it\): move it away, or pass --force/)
  assert.equal(snapshot(out), before, 'nothing changed')
  // A node folder the manifest does not know, in a folder that has a manifest: refused too.
  const inv = inventoryOf(['bai-m1', 'extra'], '10.9.0.1')
  mkdirSync(join(out, 'extra'))
  const r2 = runCli(['render', '-c', inv, '-o', out, '--no-iso', '--node', 'extra'])
  assert.is(r2.status, 2)
  assert.match(r2.stderr, /extra: exists, which bai-seed did not write/)
})

test('never /, the home folder, the inventory folder, or a folder holding the inventory or profiles', () => {
  const dir = tempDir('guard')
  const inv = join(dir, 'site', 'cluster.yaml')
  mkdirSync(dirname(inv))
  copyFileSync(exampleInventory, inv)
  const profiles = join(dir, 'my-profiles')
  mkdirSync(profiles)
  const home = join(dir, 'home')
  mkdirSync(home)
  const cases: [string[], RegExp][] = [
    [['-c', inv, '-o', '/'], /refusing to write into the root folder \//],
    [['-c', inv, '-o', home], /refusing to write into the home folder/],
    [['-c', inv, '-o', dirname(inv)], /refusing to write into the folder of the inventory/],
    [['-c', inv, '-o', dir], /refusing to write into a folder that holds the inventory/],
    [['-c', inv, '-o', profiles, '--profiles', profiles], /refusing to write into the profile folder/],
    [['-o', repoRoot, '-c', exampleInventory], /refusing to write into a folder that holds the inventory/],
  ]
  for (const [args, message] of cases) {
    const before = snapshot(dir)
    const r = runCli(['render', ...args, '--no-iso', '--force'], { HOME: home })
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(snapshot(dir), before, `${args.join(' ')}: nothing changed`)
  }
})

test('the manifest lists only what bai-seed wrote; a removed node folder goes (or stays with --keep-stale)', () => {
  const dir = tempDir('stale')
  const out = join(dir, 'out')
  assert.is(runCli(['render', '-c', inventoryOf(['a', 'b', 'c']), '-o', out, '--no-iso']).status, 0)
  writeFileSync(join(out, 'installer.iso'), 'not ours\n')
  // Kept while b is gone: warned about, and still owned.
  const kept = runCli(['render', '-c', inventoryOf(['a', 'c']), '-o', out, '--no-iso', '--keep-stale'])
  assert.is(kept.status, 0, kept.stderr)
  assert.match(kept.stderr, /warning\[STALE_KEPT\] kept the folders of nodes no longer in the inventory \(--keep-stale\): b/)
  assert.ok(existsSync(join(out, 'b', 'provision.sh')))
  const r = runCli(['render', '-c', inventoryOf(['a', 'c']), '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stderr, /note: removed the folders of nodes no longer in the inventory: b/)
  assert.not.ok(existsSync(join(out, 'b')))
  assert.is(readFileSync(join(out, 'installer.iso'), 'utf8'), 'not ours\n', 'files bai-seed did not write stay')
  const paths = manifestOf(out).files.map((f) => f.path)
  assert.not.ok(paths.includes('installer.iso'), 'and are not in the manifest')
  assert.not.ok(paths.some((p) => p.startsWith('b/')))
  assert.equal(manifestProblems(out, (p) => p === 'installer.iso'), [])
})

test('render --node X carries the other nodes over from the previous manifest without reading them', () => {
  const out = join(tempDir('node'), 'out')
  const inv = inventoryOf(hostsOf(4))
  assert.is(runCli(['render', '-c', inv, '-o', out, '--no-iso']).status, 0)
  const before = manifestOf(out)
  // An unreadable file of another node proves it is not read again.
  spawnSync('chmod', ['000', join(out, 'n2')])
  const r = runCli(['render', '-c', inv, '-o', out, '--no-iso', '--node', 'n1'], {}, repoRoot)
  spawnSync('chmod', ['755', join(out, 'n2')])
  assert.is(r.status, 0, r.stderr)
  assert.equal(manifestOf(out), before)
})

test('stale staging folders of killed runs are removed, those of a running process are spared', () => {
  const out = join(tempDir('staging'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const dead = spawnSync('true').pid!
  for (const [name, pid] of [[`.staging-${dead}-abcdef`, dead], [`.staging-${process.pid}-live`, process.pid], [`.bundle-${dead}-x`, dead]] as const) {
    mkdirSync(join(out, name, 'bai-a01'), { recursive: true })
    writeFileSync(join(out, name, 'bai-a01', 'big'), String(pid))
  }
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stderr, /removed 2 staging folder\(s\) of stopped runs/)
  assert.equal(readdirSync(out).filter((n) => n.startsWith('.')).sort(), ['.bai-seed', `.staging-${process.pid}-live`])
})

test('a second run waits for the lock, then exits 3 naming the holder; a dead holder is taken over', () => {
  const out = join(tempDir('lock'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  writeFileSync(join(out, '.bai-seed', 'lock'), JSON.stringify({ pid: process.pid, start }))
  const before = snapshot(out)
  const t0 = Date.now()
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 3, r.stderr)
  assert.ok(Date.now() - t0 >= 4000, 'waited')
  assert.match(r.stderr, new RegExp(`^error\\[ELOCKED\\] .*out: another bai-seed run \\(pid ${process.pid}\\) is writing this output folder`))
  assert.equal(snapshot(out), before)
  // The same pid with another start time is a reused pid: the lock is stale.
  writeFileSync(join(out, '.bai-seed', 'lock'), JSON.stringify({ pid: process.pid, start: '1' }))
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  assert.not.ok(existsSync(join(out, '.bai-seed', 'lock')))
})

test('two renders into one folder at once do not interleave', async () => {
  const out = join(tempDir('two'), 'out')
  const a = inventoryOf(hostsOf(40, 'a'))
  const b = inventoryOf(hostsOf(12, 'b'))
  const runs = [a, b].map(
    (inv) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [binRun, 'render', '-c', inv, '-o', out, '--no-iso', '--force'], { stdio: 'ignore' })
        child.on('exit', (code) => resolve(code ?? -1))
      }),
  )
  const codes = await Promise.all(runs)
  for (const code of codes) assert.ok(code === 0 || code === 3, String(codes))
  assert.equal(manifestProblems(out), [])
  const units = new Set(manifestOf(out).files.map((f) => f.path.split('/')[0]!))
  const kinds = new Set([...units].map((u) => u[0]))
  assert.is(kinds.size, 1, `one render's nodes only: ${[...units].join(' ')}`)
})

test('planted symlinks at the paths bai-seed writes are replaced, never followed', () => {
  const dir = tempDir('link')
  const out = join(dir, 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const victim = join(dir, 'victim')
  writeFileSync(victim, 'outside\n')
  for (const name of ['.manifest.json.tmp', 'manifest.json.tmp']) symlinkSync(victim, join(out, name))
  symlinkSync(victim, join(out, '.bai-seed', 'journal.json.tmp'))
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  assert.is(readFileSync(victim, 'utf8'), 'outside\n')
  // A manifest that is a symlink proves no ownership, and rendering replaces the link itself.
  const other = join(dir, 'other.json')
  writeFileSync(other, '{"files": []}\n')
  const fresh = join(dir, 'fresh')
  mkdirSync(fresh)
  symlinkSync(other, join(fresh, 'manifest.json'))
  const f = runCli(['render', '-c', exampleInventory, '-o', fresh, '--no-iso', '--force'])
  assert.is(f.status, 0, f.stderr)
  assert.is(readFileSync(other, 'utf8'), '{"files": []}\n')
})

test('files on disk carry the time they were written, not SOURCE_DATE_EPOCH', () => {
  const out = join(tempDir('mtime'), 'out')
  const t0 = Date.now()
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out], { SOURCE_DATE_EPOCH: '1577836800' }).status, 0)
  for (const f of ['bai-a01/provision.sh', 'bai-a01/cloud-init/user-data', 'bai-a01/cloud-init.iso', 'manifest.json']) {
    const m = statSync(join(out, f)).mtimeMs
    assert.ok(m >= t0 - 2000 && m <= Date.now() + 2000, `${f}: ${new Date(m).toISOString()}`)
  }
})

test.run()
