// Proves the e2e harness itself with seeds it makes by hand: a good one must come out as a completed first boot whose
// effects are readable from the disk, a broken one must come out as broken (quickly, not at the timeout).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { e2eWorkDir } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'
import { assertFirstBootCompleted, checkFirstBoot } from './first-boot-check.js'
import { ensureGuestRootfs } from './guest-rootfs.js'
import { runGuest } from './guest-run.js'
import { makeSeedIso } from './seed-iso.js'

const goodUserData = `#cloud-config
users:
  - name: tester
    uid: 1234
    groups: [sudo]
    shell: /bin/bash
    lock_passwd: true
write_files:
  - path: /etc/bai-e2e/written.txt
    content: "hello from write_files\\n"
    permissions: '0640'
runcmd:
  - [sh, -c, 'echo done > /var/lib/bai-e2e-marker']
power_state:
  mode: poweroff
  delay: now
`

// The indented last key is a YAML syntax error: cloud-init drops the whole document, power_state included.
const brokenUserData = `#cloud-config
runcmd:
  - [sh, -c, 'echo done > /var/lib/bai-e2e-marker']
 power_state: {mode: poweroff, delay: now}
`

function seed(name: string, userData: string): string {
  const dir = e2eWorkDir(name)
  const iso = join(dir, 'seed.iso')
  makeSeedIso(join(dir, 'seed'), iso, { 'user-data': userData, 'meta-data': `instance-id: ${name}\nlocal-hostname: ${name}\n` })
  return iso
}

test('the guest rootfs is built, or reused from the cache', () => {
  const rootfs = ensureGuestRootfs()
  if (rootfs.built) recordTiming('rootfs build', rootfs.seconds)
  assert.match(rootfs.kernel, /\/boot\/vmlinuz-/)
  assert.match(rootfs.initrd, /\/boot\/initrd\.img-/)
})

test('a hand-made seed boots, runs its user-data and the guest powers itself off', async () => {
  const rootfs = ensureGuestRootfs()
  const run = await runGuest({ name: 'harness-good', rootfs, seedIso: seed('harness-good', goodUserData) })
  assertFirstBootCompleted(run.boot, run.disk)
  const { disk } = run

  assert.is(disk.readFile('/var/lib/bai-e2e-marker'), 'done\n')
  assert.is(disk.readFile('/etc/bai-e2e/written.txt'), 'hello from write_files\n')
  assert.equal(disk.stat('/etc/bai-e2e/written.txt'), { type: 'regular', uid: 0, gid: 0, mode: 0o640, size: 23 })
  assert.match(disk.readFile('/etc/passwd'), /^tester:x:1234:1234::\/home\/tester:\/bin\/bash$/m)
  assert.match(disk.readFile('/etc/group'), /^sudo:x:27:tester$/m)
  const home = disk.list('/home').find((e) => e.name === 'tester')
  assert.ok(home, 'no /home/tester')
  assert.equal([home.uid, home.gid, home.mode & 0o170000], [1234, 1234, 0o040000])
  assert.is(disk.readFile('/etc/hostname'), 'harness-good\n')
  assert.not.ok(disk.exists('/var/lib/bai-e2e/fallback.log'))
})

test('a broken seed is reported as broken, by the fallback poweroff rather than the timeout', async () => {
  const rootfs = ensureGuestRootfs()
  const run = await runGuest({
    name: 'harness-broken',
    rootfs,
    seedIso: seed('harness-broken', brokenUserData),
    fallbackGraceSeconds: 15,
  })
  const outcome = checkFirstBoot(run.boot, run.disk)
  assert.not.ok(run.boot.timedOut, 'the harness waited for its timeout instead of the fallback poweroff')
  assert.ok(outcome.problems.some((p) => p.includes('did not power itself off')), outcome.problems.join('\n'))
  assert.ok(outcome.userDataWarnings.length > 0 || outcome.cloudInitErrors.length > 0, outcome.problems.join('\n'))
  assert.not.ok(run.disk.exists('/var/lib/bai-e2e-marker'), 'runcmd of a broken seed ran')
  assert.throws(() => assertFirstBootCompleted(run.boot, run.disk), /first boot did not complete/)
})

test.run()
