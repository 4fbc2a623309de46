// The product's first boot in a real VM: render test/e2e/cluster.yaml with the real CLI, boot a Debian 12 guest from
// the node's cloud-init.iso with no network, and check from its disk what the provisioning did; then boot the same
// disk again and check that nothing was duplicated and the unfinished steps were tried again.
import { isGzip, userDataText } from '../helpers/user-data.js'
import { compactScript } from '../../src/render/script/compact-script.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { e2eWorkDir } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'
import { assertFirstBootCompleted } from './first-boot-check.js'
import type { GuestDisk } from './guest-disk.js'
import { ensureGuestRootfs } from './guest-rootfs.js'
import { runGuest, type GuestRun } from './guest-run.js'
import { isoUtc, provisionRuns, readProvisionRecord, type ProvisionStatus } from './provision-record.js'
import { renderE2eSeed, type RenderedSeed } from './render-seed.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('first-boot')

const hostsBegin = '##### BEGIN for Backend.AI services #####'
const hostsEnd = '##### END for Backend.AI services #####'
// Files the steps write or change; the second boot must leave each as the first left it.
const idempotentFiles = [
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/fstab',
  '/etc/security/limits.d/99-backendai.conf',
  '/etc/sysctl.d/99-backendai.conf',
  '/etc/sudoers.d/90-bai-seed',
  '/home/bai/.ssh/authorized_keys',
]

let rendered: RenderedSeed | undefined
let seedIso = ''
let first: GuestRun | undefined
let firstStatus: ProvisionStatus | undefined
const afterFirst = new Map<string, string>()

function firstRun(): GuestRun {
  if (!first) throw new Error('the first boot did not run (see the failure above)')
  return first
}

function countLines(text: string, line: string): number {
  return text.split('\n').filter((l) => l === line).length
}

/** The lines strictly between the hosts markers. */
function hostsBlock(hosts: string): string[] {
  const lines = hosts.split('\n')
  const b = lines.indexOf(hostsBegin)
  const e = lines.indexOf(hostsEnd)
  assert.ok(b >= 0 && e > b, `no hosts block in:\n${hosts}`)
  return lines.slice(b + 1, e)
}

test('the guest rootfs is built, or reused from the cache', () => {
  const rootfs = ensureGuestRootfs()
  assert.match(rootfs.kernel, /\/boot\/vmlinuz-/)
  assert.match(rootfs.initrd, /\/boot\/initrd\.img-/)
})

test('bai-seed render writes the node seed, with the NoCloud seed ISO', () => {
  const started = Date.now()
  rendered = renderE2eSeed(join(e2eWorkDir('product'), 'render'))
  recordTiming('product: render', (Date.now() - started) / 1000)
  assert.ok(existsSync(rendered.iso), `bai-seed render wrote no ${rendered.iso}`)
  seedIso = rendered.iso
})

test('first boot completes and the guest powers itself off', async () => {
  assert.ok(rendered && seedIso, 'nothing rendered')
  const rootfs = ensureGuestRootfs()
  first = await runGuest({ name: 'product', rootfs, seedIso })
  assertFirstBootCompleted(first.boot, first.disk)
  for (const path of idempotentFiles) afterFirst.set(path, first.disk.readFile(path))
})

test('first boot: user bai is 1100:1100, in sudo and docker, with its home and SSH key', () => {
  const { disk } = firstRun()
  assert.match(disk.readFile('/etc/passwd'), /^bai:x:1100:1100:[^:]*:\/home\/bai:\/bin\/bash$/m)
  const group = disk.readFile('/etc/group')
  assert.match(group, /^bai:x:1100:/m)
  for (const g of ['sudo', 'docker']) {
    const line = group.split('\n').find((l) => l.startsWith(`${g}:`))
    assert.ok(line, `no group ${g}`)
    assert.ok(line.split(':')[3].split(',').includes('bai'), `bai is not in ${line}`)
  }
  const home = disk.stat('/home/bai')
  assert.equal([home.type, home.uid, home.gid], ['directory', 1100, 1100])
  const keys = disk.readFile('/home/bai/.ssh/authorized_keys')
  assert.match(keys, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR e2e@bai-seed$/m)
  assert.equal([disk.stat('/home/bai/.ssh/authorized_keys').uid, disk.stat('/home/bai/.ssh').uid], [1100, 1100])
})

test('first boot: the gzip user-data is unpacked by cloud-init, the compact script in it installed byte for byte, bai-seed.service installed and enabled', () => {
  const { disk } = firstRun()
  const raw = readFileSync(join(rendered!.seedDir, 'user-data'))
  assert.ok(isGzip(raw), 'the seed carries the user-data gzip-compressed')
  assert.ok(raw.length <= 16 * 1024, `user-data is ${raw.length} bytes`)
  const userData = load(userDataText(raw)) as { write_files: { path: string; encoding?: string }[] }
  const entry = userData.write_files.find((w) => w.path === '/usr/local/sbin/bai-seed-provision')
  assert.ok(entry, 'the user-data installs the script')
  const script = disk.stat('/usr/local/sbin/bai-seed-provision')
  assert.equal([script.type, script.uid, script.mode], ['regular', 0, 0o700])
  assert.fixture(disk.readFile('/usr/local/sbin/bai-seed-provision'), compactScript(readFileSync(join(rendered!.outDir, rendered!.hostname, 'provision.sh'), 'utf8')))
  assert.match(disk.readFile('/etc/systemd/system/bai-seed.service'), /^ExecStart=\/usr\/local\/sbin\/bai-seed-provision/m)
  assert.ok(disk.exists('/etc/systemd/system/multi-user.target.wants/bai-seed.service'), 'bai-seed.service is not enabled')
})

test('first boot: limits and sysctl files, the sysctl values live in the guest', () => {
  const { disk } = firstRun()
  const limits = disk.readFile('/etc/security/limits.d/99-backendai.conf')
  for (const who of ['root', 'bai']) {
    for (const kind of ['hard', 'soft']) {
      assert.match(limits, new RegExp(`^${who} ${kind} nofile 512000$`, 'm'))
      assert.match(limits, new RegExp(`^${who} ${kind} nproc 65536$`, 'm'))
    }
  }
  assert.is(disk.stat('/etc/security/limits.d/99-backendai.conf').mode, 0o644)

  const sysctl = disk.readFile('/etc/sysctl.d/99-backendai.conf')
  assert.match(sysctl, /^net\.ipv4\.ip_local_port_range=10000 65000$/m)
  assert.not.match(sysctl, /"/, 'quotes in a sysctl.d file')
  const settings = sysctl
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('=').map((s) => s.trim()))
  assert.ok(settings.length >= 10, sysctl)
  const live = new Map(
    readProvisionRecord(disk)
      .events.filter((e) => e.step === 'sysctl' && e.message.startsWith('live '))
      .map((e) => {
        const [key, ...value] = e.message.slice('live '.length).split('=')
        return [key, value.join('=').trim().replace(/\s+/g, ' ')]
      }),
  )
  for (const [key, value] of settings) assert.is(live.get(key), value, `live value of ${key}`)
})

test('first boot: /etc/hosts has the cluster block once, with every node', () => {
  const { disk } = firstRun()
  const hosts = disk.readFile('/etc/hosts')
  assert.is(countLines(hosts, hostsBegin), 1)
  assert.is(countLines(hosts, hostsEnd), 1)
  const block = hostsBlock(hosts)
  for (const node of rendered!.nodes) {
    assert.ok(
      block.some((l) => l.split(/\s+/)[0] === node.ip && l.split(/\s+/).includes(node.hostname)),
      `no line for ${node.hostname} (${node.ip}) in:\n${block.join('\n')}`,
    )
  }
  assert.match(hosts, /^127\.0\.0\.1 localhost$/m, 'the existing lines of /etc/hosts were lost')
})

test('first boot: /vfroot/local is owned by 1100:1100', () => {
  const local = firstRun().disk.stat('/vfroot/local')
  assert.equal([local.type, local.uid, local.gid], ['directory', 1100, 1100])
})

test('first boot: log and status.json show the offline steps done, the first step that needs the network failed, the rest pending', () => {
  const { disk } = firstRun()
  const { events, status } = readProvisionRecord(disk)
  firstStatus = status
  const runs = provisionRuns(events)
  assert.is(runs.length, 1, 'one run on first boot')

  assert.is(status.format, 1)
  assert.is(status.node, rendered!.hostname)
  assert.match(status.updated, isoUtc)
  assert.match(status.run.started, isoUtc)
  assert.match(status.run.finished ?? '', isoUtc)
  assert.is(status.run.result, 'failed')

  const ids = status.steps.map((s) => s.id)
  for (const id of ['user', 'limits', 'sysctl', 'hosts', 'storage']) assert.ok(ids.includes(id), `no step ${id} in ${ids}`)
  const firstNetwork = status.steps.findIndex((s) => s.network)
  assert.ok(firstNetwork > 0, 'no network step')
  assert.ok(status.steps.slice(firstNetwork).every((s) => s.network), `offline steps after network ones: ${ids}`)

  // Offline steps all done; a network step may be done too when it had nothing to fetch (the guest has the base
  // packages); the first one that needs the network fails with a reason, and every step after it is pending.
  const failedAt = status.steps.findIndex((s) => s.state !== 'done')
  assert.ok(failedAt >= firstNetwork, `offline step ${status.steps[failedAt]?.id} is ${status.steps[failedAt]?.state}`)
  for (const step of status.steps.slice(0, failedAt)) {
    assert.is(step.state, 'done', `${step.id}: ${step.message}`)
    assert.match(step.started ?? '', isoUtc)
    assert.match(step.finished ?? '', isoUtc)
    assert.type(step.duration, 'number')
    const start = runs[0].findIndex((e) => e.step === step.id && e.message.startsWith('start'))
    const done = runs[0].findIndex((e) => e.step === step.id && /^done \(\d+s\)$/.test(e.message))
    assert.ok(start >= 0 && done > start, `log has no start/done pair for ${step.id}`)
  }
  const failed = status.steps[failedAt]
  assert.is(failed.state, 'failed')
  assert.ok(failed.message.length > 10, `no clear reason: ${JSON.stringify(failed.message)}`)
  const failedLine = runs[0].find((e) => e.step === failed.id && e.message.startsWith('FAILED'))
  assert.ok(failedLine, `log has no FAILED line for ${failed.id}`)
  assert.match(failedLine.message, /^FAILED \(\d+s\): \S/)
  assert.ok(failedAt < status.steps.length - 1, 'no step left pending after the failed one')
  for (const step of status.steps.slice(failedAt + 1)) {
    assert.is(step.state, 'pending', step.id)
    assert.ok(step.message.includes(failed.id), `${step.id} does not say why it is pending: ${step.message}`)
  }
  assert.not.ok(disk.exists('/var/lib/bai-seed/complete'))
})

test('second boot of the same disk: nothing duplicated, the unfinished steps tried again', async () => {
  const rootfs = ensureGuestRootfs()
  const disk: GuestDisk = firstRun().disk
  const second = await runGuest({ name: 'product', rootfs, seedIso, reuseDisk: disk })
  assertFirstBootCompleted(second.boot, second.disk, { requireCloudInitResult: false })

  for (const path of idempotentFiles) assert.fixture(disk.readFile(path), afterFirst.get(path)!, `${path} changed on the second boot`)
  const hosts = disk.readFile('/etc/hosts')
  assert.is(countLines(hosts, hostsBegin), 1)
  const fstab = disk.readFile('/etc/fstab').split('\n').filter((l) => l.trim() && !l.startsWith('#'))
  assert.equal(fstab, [...new Set(fstab)], 'duplicate fstab lines')

  const { events, status } = readProvisionRecord(disk)
  const runs = provisionRuns(events)
  assert.is(runs.length, 2, 'a second run on the second boot')
  assert.ok(status.updated > firstStatus!.updated, 'status.json not updated')
  assert.ok(status.run.started > firstStatus!.run.started, 'status.json run is not the second one')
  const retriedAt = firstStatus!.steps.findIndex((s) => s.state !== 'done')
  for (const step of status.steps.slice(0, retriedAt)) {
    assert.is(step.state, 'done', step.id)
    assert.is(step.finished, firstStatus!.steps.find((s) => s.id === step.id)!.finished, `${step.id} ran again`)
    assert.ok(runs[1].some((e) => e.step === step.id && e.message === 'already done'), `${step.id} not seen as done`)
  }
  const retried = status.steps[retriedAt]
  assert.ok(runs[1].some((e) => e.step === retried.id && e.message.startsWith('start')), `${retried.id} was not tried again`)
  assert.is(retried.state, 'failed')
})

test.run()
