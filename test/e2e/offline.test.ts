// The air-gapped first boot for real: `bai-seed payload` gathers everything from the hermetic test's own upstream
// (upstream.ts) for the guest's release (its rootfs as --base-root), and the manager and the GPU agent boot with NO
// network device at all and the payload's ISO as a second volume. The inventory pins the manifest's sha256; nothing on
// the guest trusts the upstream's key (the payload's repository is signed by the payload's own key, covered by the
// manifest). Every step must be done, the GPU agent across its reboot. The outcome is printed as `e2e-offline` lines.
// A flipped byte is proven by the fast test (test/payload/node-verify.test.ts), not by another boot here.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { consoleTail } from './boot-vm.js'
import { e2eCacheDir, e2eSourceDir, e2eWorkDir, repoRoot } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'
import { ensureGuestRootfs, type GuestRootfs } from './guest-rootfs.js'
import type { GuestDisk } from './guest-disk.js'
import { runGuest, type GuestRun } from './guest-run.js'
import { writeHermeticInventory } from './hermetic-inventory.js'
import { readProvisionRecord, type ProvisionStatus } from './provision-record.js'
import { ensureUpstream, GUEST_HTTP, GUEST_REGISTRY, UpstreamServices, type Upstream } from './upstream.js'

const work = e2eWorkDir('offline')
const stateFile = join(e2eCacheDir(), 'work', 'e2e-state.txt')
const timeoutSeconds = Number(process.env.BAI_SEED_E2E_TIMEOUT) || 2400

let rootfs: GuestRootfs
let up: Upstream
let payloadIso = ''
let outDir = ''
const disks = new Map<string, GuestDisk>()

// Asynchronous: the upstream's HTTP server runs in this process and must keep answering while the CLI fetches from it.
const cli = (args: string[]): Promise<{ status: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })

test('bai-seed payload from the local upstream, for the guest release, leaving out what its base image has', async () => {
  rootfs = ensureGuestRootfs()
  up = ensureUpstream(rootfs)
  const services = new UpstreamServices(up, work)
  await services.start()
  try {
    mkdirSync(work, { recursive: true })
    // This machine reaches the upstream on loopback, the guests would at the forwarded addresses: same inventory.
    const hostView = join(work, 'cluster-build.yaml')
    writeHermeticInventory(hostView, up)
    writeFileSync(
      hostView,
      readFileSync(hostView, 'utf8')
        .replaceAll(`http://${GUEST_HTTP}`, `http://127.0.0.1:${services.httpPort}`)
        .replaceAll(GUEST_REGISTRY, `127.0.0.1:${services.registryPort}`),
    )
    const out = join(work, 'payload')
    rmSync(out, { recursive: true, force: true })
    const started = Date.now()
    const r = await cli(['payload', '-c', hostView, '-o', out, '--base-root', rootfs.dir, '--archive-keyring', up.keyring])
    recordTiming('offline: payload build', (Date.now() - started) / 1000)
    assert.is(r.status, 0, r.stdout + r.stderr)
    const digest = /manifest sha256 ([0-9a-f]{64})/.exec(r.stdout)![1]!
    payloadIso = join(out, 'payload.iso')
    process.stdout.write(r.stdout)
    // The nodes' inventory: the same, offline, pinned to this payload.
    const inventory = join(work, 'cluster.yaml')
    writeHermeticInventory(inventory, up)
    appendFileSync(inventory, `offline:\n  delivery: volume\n  manifest_sha256: ${digest}\n`)
    outDir = join(work, 'render')
    rmSync(outDir, { recursive: true, force: true })
    const rendered = await cli(['render', '-c', inventory, '-o', outDir, '--power-off-when-done'])
    assert.is(rendered.status, 0, rendered.stdout + rendered.stderr)
  } finally {
    await services.close()
  }
})

/**
 * On top of the shared rootfs: no public CA (the site CA is the one trusted, as in the hermetic test: a bundle of one
 * certificate instead of ~140, minutes less under TCG) and the unit that records `docker info` and `docker images`
 * at shutdown. No upstream key, no networking: the payload brings its own trust.
 */
function prepareDisk(disk: GuestDisk): void {
  const files = join(work, 'disk-files')
  mkdirSync(files, { recursive: true })
  const caConf = join(files, 'ca-certificates.conf')
  writeFileSync(caConf, readFileSync(join(rootfs.dir, 'etc/ca-certificates.conf'), 'utf8').replace(/^mozilla\//gm, '!mozilla/'), { mode: 0o644 })
  const empty = join(files, 'empty')
  writeFileSync(empty, '', { mode: 0o644 })
  const unit = join(files, 'bai-e2e-docker-record.service')
  copyFileSync(join(e2eSourceDir, 'hermetic-docker-record.service'), unit)
  chmodSync(unit, 0o644)
  const sys = '/etc/systemd/system'
  const commands = [
    'rm /etc/ca-certificates.conf',
    `write ${caConf} /etc/ca-certificates.conf`,
    'rm /etc/ssl/certs/ca-certificates.crt',
    `write ${empty} /etc/ssl/certs/ca-certificates.crt`,
    `write ${unit} ${sys}/bai-e2e-docker-record.service`,
    `symlink ${sys}/multi-user.target.wants/bai-e2e-docker-record.service ${sys}/bai-e2e-docker-record.service`,
  ]
  const cmdFile = join(files, 'debugfs.cmd')
  writeFileSync(cmdFile, commands.join('\n') + '\n')
  const r = spawnSync('debugfs', ['-w', '-f', cmdFile, disk.image], { encoding: 'utf8' })
  assert.is(r.status, 0, r.stderr)
  assert.ok(disk.exists(`${sys}/bai-e2e-docker-record.service`), r.stderr)
}

interface Booted {
  run: GuestRun
  status: ProvisionStatus
  log: string
}

async function boot(hostname: string, n: number): Promise<Booted> {
  const run = await runGuest({
    name: `offline-${hostname}`,
    rootfs,
    seedIso: join(outDir, hostname, 'cloud-init.iso'),
    reuseDisk: disks.get(hostname),
    consoleName: `console-${n}.log`,
    timeoutSeconds,
    fallbackGraceSeconds: 120,
    // No network option: qemu gets -nic none.
    extraDrives: [payloadIso],
    prepareDisk,
  })
  disks.set(hostname, run.disk)
  assert.not.ok(run.boot.timedOut, `${hostname} boot ${n} timed out; console:\n${consoleTail(run.boot)}`)
  const { status, log } = readProvisionRecord(run.disk)
  mkdirSync(join(e2eCacheDir(), 'work'), { recursive: true })
  const lines = status.steps.map((s) => `e2e-offline ${hostname} boot${n} ${s.id} ${s.state}`)
  appendFileSync(stateFile, lines.join('\n') + '\n')
  process.stdout.write(lines.join('\n') + '\n')
  return { run, status, log }
}

const docker = (disk: GuestDisk): string => (disk.exists('/var/log/bai-e2e-docker.log') ? disk.readFile('/var/log/bai-e2e-docker.log') : '')

function checkManager({ run, status, log }: Booted): void {
  assert.ok(run.boot.poweredOff, `did not power itself off:\n${consoleTail(run.boot)}`)
  for (const s of status.steps) assert.is(s.state, 'done', `${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'complete')
  assert.match(log, /payload volume \/dev\/vd\w mounted read-only at \/run\/bai-seed\/payload/)
  assert.match(log, /payload: \d+ file\(s\) under apt\/debian-bookworm\/ keys\/ match the manifest/)
  assert.match(log, `installed Python ${up.python.version} at /home/bai/.static-python/versions/${up.python.version}`)
  for (const svc of ['manager', 'webserver', 'storage-proxy', 'app-proxy']) {
    const site = `/home/bai/${svc}/.venv/lib/python3.11/site-packages`
    assert.ok(run.disk.list(site).some((e) => /^wheel-.*\.dist-info$/.test(e.name)), `${svc}: no wheel from the payload`)
  }
  const record = docker(run.disk)
  for (const ref of ['postgres:16.3-alpine', 'valkey/valkey:9.1.1-alpine', 'quay.io/coreos/etcd:v3.4.15']) {
    assert.match(record, new RegExp(`^${ref.replace(/[.]/g, '\\.')} `, 'm'), record)
  }
}

function checkGpu1({ run, status }: Booted): void {
  assert.ok(run.boot.rebooted, `no reboot:\n${consoleTail(run.boot)}`)
  const ids = status.steps.map((s) => s.id)
  const driver = ids.indexOf('nvidia-driver')
  for (const [i, s] of status.steps.entries()) assert.is(s.state, i <= driver ? 'done' : 'pending', `${s.id}: ${JSON.stringify(s)}`)
}

function checkGpu2({ run, status }: Booted): void {
  assert.ok(run.boot.poweredOff, consoleTail(run.boot))
  for (const s of status.steps) assert.is(s.state, 'done', `${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'complete')
  const daemon = JSON.parse(run.disk.readFile('/etc/docker/daemon.json'))
  assert.equal(daemon.runtimes?.nvidia?.path, 'nvidia-container-runtime')
  assert.match(docker(run.disk), /^cr\.backend\.ai\/stable\/python-pytorch:1\.11-py38-cuda11\.3 /m)
}

test('boot 1, no NIC, payload volume attached: the manager completes; the GPU agent installs its driver and reboots', async () => {
  const [m, g] = await Promise.allSettled([boot('bai-m1', 1), boot('bai-g1', 1)])
  if (m.status === 'rejected') throw m.reason
  if (g.status === 'rejected') throw g.reason
  checkManager(m.value)
  checkGpu1(g.value)
})

test('boot 2 of the GPU agent, still no NIC: it resumes and completes from the payload', async () => {
  checkGpu2(await boot('bai-g1', 2))
})

test.run()

