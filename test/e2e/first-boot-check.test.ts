// The verdict of the first-boot check on made-up boots and small disks, so each way of failing is seen to fail
// without spending a VM boot on it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BootResult } from './boot-vm.js'
import { qemuArgs } from './boot-vm.js'
import { makeDiskImage } from './disk-image.js'
import { e2eWorkDir } from './e2e-paths.js'
import { checkFirstBoot } from './first-boot-check.js'
import { GuestDisk } from './guest-disk.js'

const work = e2eWorkDir('first-boot-check')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

/** A disk whose /var/lib/cloud/data/result.json and /var/log/cloud-init.log are given (null: absent). */
function diskWith(name: string, resultJson: string | null, cloudInitLog = ''): GuestDisk {
  const tree = join(work, `${name}-tree`)
  mkdirSync(join(tree, 'var/lib/cloud/data'), { recursive: true })
  mkdirSync(join(tree, 'var/log'), { recursive: true })
  if (resultJson !== null) writeFileSync(join(tree, 'var/lib/cloud/data/result.json'), resultJson)
  writeFileSync(join(tree, 'var/log/cloud-init.log'), cloudInitLog)
  makeDiskImage(tree, join(work, `${name}.img`), '8M')
  return new GuestDisk(join(work, `${name}.img`))
}

function boot(name: string, console: string, over: Partial<BootResult> = {}): BootResult {
  const consoleLog = join(work, `${name}.console.log`)
  writeFileSync(consoleLog, console)
  return { exitCode: 0, timedOut: false, poweredOff: true, rebooted: false, seconds: 70, consoleLog, ...over }
}

const clean = '{"v1": {"datasource": "DataSourceNoCloud", "errors": []}}'
const goodDisk = diskWith('good', clean, '2026-01-01 00:00:00,000 - util.py[DEBUG]: all fine\n')

test('a clean poweroff with cloud-init finished without errors has no problems', () => {
  const outcome = checkFirstBoot(boot('good', '[ 60.0] reboot: Power down\n'), goodDisk)
  assert.equal(outcome.problems, [])
})

test('a timeout is a problem', () => {
  const outcome = checkFirstBoot(boot('timeout', 'login:', { timedOut: true, poweredOff: false, exitCode: null, seconds: 360 }), goodDisk)
  assert.match(outcome.problems.join('\n'), /killed after 360 s: the guest never powered off/)
})

test('a reboot, or qemu ending without poweroff, is a problem', () => {
  assert.match(checkFirstBoot(boot('reboot', '', { rebooted: true, poweredOff: false }), goodDisk).problems[0], /rebooted/)
  assert.match(checkFirstBoot(boot('crash', 'Kernel panic', { poweredOff: false, exitCode: 1 }), goodDisk).problems[0], /without the guest powering off/)
})

test('a poweroff by the e2e fallback is a problem', () => {
  const console = '[ 99.0] bai-e2e-fallback-poweroff[373]: bai-e2e: 2026-01-01T00:00:00Z fallback poweroff after 30s idle; cloud-init status: done\n'
  const outcome = checkFirstBoot(boot('fallback', console), goodDisk)
  assert.match(outcome.problems.join('\n'), /did not power itself off; the e2e fallback did: 2026-01-01T00:00:00Z fallback poweroff/)
})

test('a job that systemd dropped to break an ordering cycle is a problem', () => {
  const console = [
    '[   14.3] systemd[1]: multi-user.target: Found ordering cycle on bai-seed.service/start',
    '[   14.3] systemd[1]: multi-user.target: Job bai-seed.service/start deleted to break ordering cycle starting with multi-user.target/start',
    '[   56.3] reboot: Power down',
  ].join('\n')
  assert.equal(checkFirstBoot(boot('cycle', console), goodDisk).problems, [
    'systemd found an ordering cycle and dropped bai-seed.service/start (cycle starting with multi-user.target/start)',
  ])
})

test('cloud-init not finished, or finished with errors, is a problem', () => {
  const noResult = diskWith('no-result', null)
  assert.match(checkFirstBoot(boot('unfinished', 'reboot: Power down'), noResult).problems.join(), /did not finish/)
  assert.equal(checkFirstBoot(boot('later', 'reboot: Power down'), noResult, { requireCloudInitResult: false }).problems, [])
  const errors = '{"v1": {"errors": ["(\'locale\', ProcessExecutionError(...))"]}}'
  const outcome = checkFirstBoot(boot('errors', 'reboot: Power down'), diskWith('errors', errors))
  assert.equal(outcome.cloudInitErrors, ["('locale', ProcessExecutionError(...))"])
  assert.match(outcome.problems.join(), /cloud-init reported errors: \('locale'/)
})

test('user-data that cloud-init dropped is a problem even without errors in result.json', () => {
  const log = '2026-01-01 00:00:00,000 - util.py[WARNING]: Failed loading yaml blob. Invalid format at line 2 column 1\n'
  const outcome = checkFirstBoot(boot('yaml', 'reboot: Power down'), diskWith('yaml', clean, log))
  assert.is(outcome.userDataWarnings.length, 1)
  assert.match(outcome.problems.join(), /did not take the user-data as written: .*Failed loading yaml blob/)
})

test('qemu runs under TCG unless BAI_SEED_E2E_KVM=1, without network, with the seed read-only', () => {
  const opts = { kernel: '/k', initrd: '/i', disk: '/d.img', seed: '/s.iso', consoleLog: '/c.log' }
  const saved = process.env.BAI_SEED_E2E_KVM
  try {
    delete process.env.BAI_SEED_E2E_KVM
    const args = qemuArgs(opts)
    assert.equal(args.slice(0, 4), ['-accel', 'tcg', '-cpu', 'max'])
    assert.equal(args.slice(args.indexOf('-nic'), args.indexOf('-nic') + 2), ['-nic', 'none'])
    assert.ok(args.includes('-no-reboot'))
    assert.ok(args.includes('file=/s.iso,if=virtio,format=raw,readonly=on'))
    assert.match(args[args.indexOf('-append') + 1], /^root=\/dev\/vda rw console=ttyS0 .*bai_e2e\.grace=30$/)
    process.env.BAI_SEED_E2E_KVM = '1'
    assert.equal(qemuArgs(opts).slice(0, 4), ['-accel', 'kvm', '-cpu', 'host'])
  } finally {
    if (saved === undefined) delete process.env.BAI_SEED_E2E_KVM
    else process.env.BAI_SEED_E2E_KVM = saved
  }
})

test('with a network, the guest gets restricted user networking and one guestfwd per forwarded address', () => {
  const network = { mac: '52:54:00:12:34:15', forwards: [{ guest: '10.0.2.100:80', hostPort: 8080 }, { guest: '10.0.2.101:5000', hostPort: 5000 }] }
  const args = qemuArgs({ kernel: '/k', initrd: '/i', disk: '/d.img', consoleLog: '/c.log', network })
  assert.not.ok(args.includes('-nic'))
  assert.is(
    args[args.indexOf('-netdev') + 1],
    'user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:busybox nc 127.0.0.1 8080,guestfwd=tcp:10.0.2.101:5000-cmd:busybox nc 127.0.0.1 5000',
  )
  assert.is(args[args.indexOf('-device') + 1], 'virtio-net-pci,netdev=n0,mac=52:54:00:12:34:15')
})

test.run()
