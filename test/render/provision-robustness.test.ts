// provision.sh against hostile or changed state, in scratch roots (--root): unknown step ids, damaged markers, symlinks
// out of the root, the state file after skipped/failed/done steps, re-runs after a changed setting, /etc/hosts
// without localhost, --status and --wait.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

const HB = '##### BEGIN for Backend.AI services #####'
const HE = '##### END for Backend.AI services #####'
const FB = '# BEGIN bai-seed shared storage'
const FE = '# END bai-seed shared storage'

let rendered: string | undefined
async function script(node = 'bai-m1'): Promise<string> {
  rendered ??= await renderFixture(exampleInventory)
  return join(rendered, node, 'provision.sh')
}

function scratch(files: Record<string, string> = {}): string {
  const root = tempDir('robust')
  mkdirSync(join(root, 'etc'))
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content)
  return root
}

interface StepStatus { id: string; state: string; started: string | null; finished: string | null; message: string; why: string | null; digest: string; doneDigest: string | null }
function status(root: string): { run: { result: string }; steps: StepStatus[] } {
  return JSON.parse(readFileSync(join(root, 'var', 'lib', 'bai-seed', 'status.json'), 'utf8'))
}
const step = (root: string, id: string): StepStatus => status(root).steps.find((s) => s.id === id)!

test('--only / --skip with an unknown step id: exit 2 listing the ids, nothing run', async () => {
  const s = await script()
  const root = scratch()
  for (const args of [['--only', 'hots'], ['--skip', 'sysctl,nope'], ['--only', ''], ['--only', 'hosts,']]) {
    const r = run('bash', [s, '--root', root, ...args])
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
    assert.match(r.stderr, /unknown step id: .*\(the steps of this script: user limits sysctl hosts storage packages/)
  }
  assert.not.ok(existsSync(join(root, 'var', 'lib', 'bai-seed', 'status.json')), 'a run started')
  assert.match(run('bash', [s, '--root', root, '--only', 'x']).stderr, /--only: unknown step id: x /)
})

for (const [name, hosts] of [
  ['END before BEGIN', `127.0.0.1 localhost\n${HE}\n::1 ip6-localhost\n${HB}\n10.0.0.9 keep\n`],
  ['two blocks', `127.0.0.1 localhost\n${HB}\n${HE}\n${HB}\n${HE}\n`],
  ['BEGIN only', `127.0.0.1 localhost\n${HB}\n1.2.3.4 x\n`],
  ['END only', `127.0.0.1 localhost\n::1 ip6-localhost\n${HE}\n`],
  ['BEGIN twice then END', `${HB}\n${HB}\n${HE}\n`],
] as const) {
  test(`hosts markers: ${name} fails and leaves the file untouched`, async () => {
    const root = scratch({ 'etc/hosts': hosts })
    const r = run('bash', [await script(), '--root', root, '--only', 'hosts'])
    assert.is(r.status, 1, r.stdout + r.stderr)
    assert.match(step(root, 'hosts').message, /^\/etc\/hosts: expected one '##### BEGIN .* line followed by one '##### END .* line, found the markers (BEGIN|END)/)
    assert.is(readFileSync(join(root, 'etc', 'hosts'), 'utf8'), hosts)
  })
}

test('fstab markers: END before BEGIN keeps the /home line (file untouched)', async () => {
  const fstab = `UUID=1 / ext4 defaults 0 1\n${FE}\nUUID=2 /home ext4 defaults 0 2\n${FB}\n`
  const root = scratch({ 'etc/fstab': fstab })
  const r = run('bash', [await script(), '--root', root, '--only', 'storage'])
  assert.is(r.status, 1, r.stdout)
  assert.is(readFileSync(join(root, 'etc', 'fstab'), 'utf8'), fstab)
})

test('CRLF and trailing-blank markers are the same block: rewritten in place, never a second block', async () => {
  const hosts = `127.0.0.1 localhost\r\n${HB}\r\n1.2.3.4 stale\r\n${HE} \t\n10.0.0.1 after\n`
  const root = scratch({ 'etc/hosts': hosts })
  const r = run('bash', [await script(), '--root', root, '--only', 'hosts'])
  assert.is(r.status, 0, r.stdout)
  const out = readFileSync(join(root, 'etc', 'hosts'), 'utf8')
  assert.is(out.split('BEGIN for Backend.AI').length, 2, out)
  assert.is(out.split('END for Backend.AI').length, 2, out)
  assert.not.match(out, /stale/)
  assert.match(out, new RegExp(`^${HE}\n10\\.0\\.0\\.1 after\n$`, 'm'))
})

test('an fstab line outside the block for the same mount point is reported in the log and the status', async () => {
  const root = scratch({ 'etc/fstab': 'UUID=1 / ext4 defaults 0 1\nold:/data /vfroot/data/ nfs defaults 0 0\n' })
  const r = run('bash', [await script(), '--root', root, '--only', 'storage'])
  assert.is(r.status, 0, r.stdout)
  assert.match(r.stdout, /\[storage\] warning: \/etc\/fstab: line 2 also mounts \/vfroot\/data: old:\/data/)
  assert.match(step(root, 'storage').message, /^warning: \/etc\/fstab: line 2 also mounts \/vfroot\/data/)
})

test('hosts: a file without localhost gets 127.0.0.1 localhost; a missing file is created with it', async () => {
  const root = scratch({ 'etc/hosts': '::1 ip6-localhost\n' })
  assert.is(run('bash', [await script(), '--root', root, '--only', 'hosts']).status, 0)
  const hosts = readFileSync(join(root, 'etc', 'hosts'), 'utf8')
  assert.ok(hosts.startsWith('127.0.0.1 localhost\n::1 ip6-localhost\n'), hosts)
  assert.match(hosts, /^10\.20\.30\.10 bai-m1\.cluster\.internal bai-m1\b/m)
  const empty = scratch()
  assert.is(run('bash', [await script(), '--root', empty, '--only', 'hosts']).status, 0)
  const created = readFileSync(join(empty, 'etc', 'hosts'), 'utf8')
  assert.ok(created.startsWith(`127.0.0.1 localhost\n${HB}\n`), created)
  // A second run changes nothing.
  const again = run('bash', [await script(), '--root', empty, '--only', 'hosts', '--force'])
  assert.match(again.stdout, /unchanged \/etc\/hosts/)
  assert.not.match(again.stdout, /\bwrote\b/)
})

test('--root: a symlink to a folder outside the root is refused, nothing outside is touched', async () => {
  const outside = tempDir('outside')
  const root = scratch()
  symlinkSync(outside, join(root, 'vfroot'))
  const r = run('bash', [await script('bai-a01'), '--root', root, '--only', 'storage'])
  assert.is(r.status, 1, r.stdout)
  assert.match(step(root, 'storage').message, /^refusing to touch \/vfroot: under --root it leads to .*, outside/)
  assert.is(statSync(outside).uid, process.getuid!())
  assert.not.ok(existsSync(join(outside, 'data')))

  const root2 = scratch()
  mkdirSync(join(root2, 'vfroot'))
  symlinkSync(outside, join(root2, 'vfroot', 'data'))
  assert.is(run('bash', [await script('bai-a01'), '--root', root2, '--only', 'storage']).status, 1)
  const root3 = scratch()
  mkdirSync(join(root3, 'etc', 'security'), { recursive: true })
  symlinkSync(outside, join(root3, 'etc', 'security', 'limits.d'))
  assert.is(run('bash', [await script('bai-a01'), '--root', root3, '--only', 'limits']).status, 1)
  const root4 = scratch()
  symlinkSync(join(outside, 'hosts'), join(root4, 'etc', 'hosts'))
  assert.is(run('bash', [await script('bai-a01'), '--root', root4, '--only', 'hosts']).status, 1)
  assert.not.ok(existsSync(join(outside, 'hosts')))
  assert.not.ok(existsSync(join(outside, 'security')))
  // The state folder and the log too: exit 3 before anything is written.
  const root5 = scratch()
  symlinkSync(outside, join(root5, 'var'))
  const r5 = run('bash', [await script('bai-a01'), '--root', root5, '--only', 'hosts'])
  assert.is(r5.status, 3, r5.stdout + r5.stderr)
  assert.match(r5.stderr, /\/var\/lib\/bai-seed: refusing to write there under --root: it leads to .*, outside/)
  const root6 = scratch()
  mkdirSync(join(root6, 'var', 'log'), { recursive: true })
  symlinkSync(join(outside, 'log'), join(root6, 'var', 'log', 'bai-seed.log'))
  assert.is(run('bash', [await script('bai-a01'), '--root', root6, '--only', 'hosts']).status, 3)
  assert.equal(readdirSync(outside), [])
})

test('state file survives empty fields: a run after skipped, failed and done steps keeps every field in place', async () => {
  const root = scratch({ 'etc/hosts': `${HE}\n${HB}\n` })
  const s = await script()
  assert.is(run('bash', [s, '--root', root]).status, 1)
  let st = status(root)
  assert.is(step(root, 'user').state, 'skipped')
  assert.is(step(root, 'hosts').state, 'failed')
  assert.is(step(root, 'storage').state, 'pending')
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n')
  assert.is(run('bash', [s, '--root', root]).status, 0)
  assert.is(run('bash', [s, '--root', root]).status, 0)
  st = status(root)
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
  for (const x of st.steps) {
    if (x.started !== null) assert.match(x.started, iso, `${x.id}: started ${x.started}`)
    if (x.finished !== null) assert.match(x.finished, iso, `${x.id}: finished ${x.finished}`)
  }
  const user = st.steps.find((x) => x.id === 'user')!
  assert.equal([user.state, user.started, user.message], ['skipped', null, 'not run under --root'])
  const hosts = st.steps.find((x) => x.id === 'hosts')!
  assert.equal([hosts.state, hosts.message, hosts.why], ['done', '', 'it failed in an earlier run'])
  assert.is(st.steps.find((x) => x.id === 'storage')!.why, 'not done yet')
})

test('a re-rendered script with a changed setting runs that step again (and says why); unchanged steps stay done', async () => {
  const dir = tempDir('changed')
  const inv = readFileSync(exampleInventory, 'utf8')
  const changedInv = join(dir, 'cluster.yaml')
  assert.match(inv, /  - hostname: bai-m1\n/)
  writeFileSync(changedInv, inv.replace('  - hostname: bai-m1\n', '  - hostname: bai-m1\n    overrides: {sysctl: {values: {vm.swappiness: 7}}}\n'))
  const before = await script()
  const after = join(await renderFixture(changedInv), 'bai-m1', 'provision.sh')
  const root = scratch({ 'etc/hosts': '127.0.0.1 localhost\n' })
  assert.is(run('bash', [before, '--root', root]).status, 0)
  const first = status(root)
  const r = run('bash', [after, '--root', root])
  assert.is(r.status, 0, r.stdout)
  assert.match(readFileSync(join(root, 'etc', 'sysctl.d', '99-backendai.conf'), 'utf8'), /^vm\.swappiness=7$/m)
  assert.match(r.stdout, /\[sysctl\] start: .* \(runs because its settings changed since it was done \(digest [0-9a-f]{16} -> [0-9a-f]{16}\)\)/)
  assert.match(r.stdout, /\[hosts\] already done/)
  const sysctl = step(root, 'sysctl')
  assert.is(sysctl.doneDigest, sysctl.digest)
  assert.is.not(sysctl.digest, first.steps.find((x) => x.id === 'sysctl')!.digest)
  assert.match(sysctl.why!, /^its settings changed/)
  // The same script again: nothing runs.
  const again = run('bash', [after, '--root', root])
  assert.not.match(again.stdout, /\[(?!run\])[a-z-]+\] start:/)
  const forced = run('bash', [after, '--root', root, '--only', 'limits', '--force'])
  assert.match(forced.stdout, /\[limits\] start: .* \(runs because --force\)/)
})

test('--status prints every step; --wait returns at once when no run is going on (0 when complete)', async () => {
  const root = scratch({ 'etc/hosts': '127.0.0.1 localhost\n' })
  const s = await script()
  const none = run('bash', [s, '--root', root, '--status'])
  assert.is(none.status, 0)
  assert.match(none.stdout, /^node bai-m1: run not started\n {2}user +pending/)
  assert.is(run('bash', [s, '--root', root]).status, 0)
  const st = run('bash', [s, '--root', root, '--status'])
  assert.match(st.stdout, /^node bai-m1: run complete \(started \d{4}-/)
  assert.match(st.stdout, /\n {2}sysctl +done +\d{4}-/)
  assert.match(st.stdout, /\n {2}packages +skipped .* not run under --root/)
  const w = run('env', ['BAI_SEED_WAIT_POLL=0.1', 'bash', s, '--root', root, '--wait'])
  assert.is(w.status, 0, w.stdout + w.stderr)
  writeFileSync(join(root, 'etc', 'hosts'), `${HE}\n`)
  run('bash', [s, '--root', root, '--only', 'hosts', '--force'])
  assert.is(run('bash', [s, '--root', root, '--wait']).status, 1)
})

test.run()
