// Every step runs for real in the VM, against the guest's own upstream (upstream.ts): a manager and a GPU agent boot
// with qemu user networking restricted to two forwarded addresses, and reach `complete`. The manager's first boot has
// the registry stopped (images fails with its reason; the next boot pulls); the GPU agent reboots once after its driver
// and resumes; a last boot of each changes nothing. The outcome of every boot is printed as `e2e-state` lines. Both
// nodes report every stage to a real `bai-seed serve` on the host's loopback (a third forwarded address): after each
// boot `bai-seed status --json` must show what the disk shows, printed as `e2e-fleet` lines.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { consoleTail } from './boot-vm.js'
import { e2eCacheDir, e2eSourceDir, e2eWorkDir, repoRoot } from './e2e-paths.js'
import { ensureGuestRootfs, type GuestRootfs } from './guest-rootfs.js'
import { GuestDisk } from './guest-disk.js'
import { runGuest, type GuestRun } from './guest-run.js'
import { GUEST_REPORT, hgxLayout, HERMETIC_NODES, writeHermeticInventory } from './hermetic-inventory.js'
import { fleetStatus, startReportServe, type ReportServe } from './report-serve.js'
import type { NodeDetail } from '../../src/fleet/fleet-source.js'
import { cudaVersionOf, DEFAULT_TARGET, OS_TARGETS } from '../../src/targets/os-targets.js'
import { provisionRuns, readProvisionRecord, type ProvisionStatus } from './provision-record.js'
import { ensureUpstream, GUEST_HTTP, GUEST_REGISTRY, UpstreamServices, type Upstream } from './upstream.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('hermetic')

const work = e2eWorkDir('hermetic')
const stateFile = join(e2eCacheDir(), 'work', 'e2e-state.txt')
// A full provisioning under TCG: a manager's first boot took ~25 min here with the machine's 2 cores shared by four
// engineers' jobs (load average 11); Docker's packages alone install in ~8 min then.
const timeoutSeconds = Number(process.env.BAI_SEED_E2E_TIMEOUT) || 2400

let rootfs: GuestRootfs
let up: Upstream
let services: UpstreamServices
let reports: ReportServe
let outDir = ''
const disks = new Map<string, GuestDisk>()

function node(hostname: string) {
  return HERMETIC_NODES.find((n) => n.hostname === hostname)!
}

interface Booted {
  run: GuestRun
  status: ProvisionStatus
  log: string
  /** What `bai-seed status --json` says of the node right after this boot, from its reports alone. */
  fleet: NodeDetail
}

async function boot(hostname: string, n: number): Promise<Booted> {
  const nd = node(hostname)
  const reuse = disks.get(hostname)
  const run = await runGuest({
    name: `hermetic-${hostname}`,
    rootfs,
    seedIso: join(outDir, hostname, 'cloud-init.iso'),
    reuseDisk: reuse,
    consoleName: `console-${n}.log`,
    timeoutSeconds,
    // The fallback poweroff waits while bai-seed.service runs; it only cuts short a boot that went idle without
    // powering off (a failure the checks then report), instead of waiting for the timeout.
    fallbackGraceSeconds: 120,
    network: {
      mac: nd.mac,
      forwards: [
        { guest: `${GUEST_HTTP}:80`, hostPort: services.httpPort },
        { guest: GUEST_REGISTRY, hostPort: services.registryPort },
        { guest: `${GUEST_REPORT}:80`, hostPort: reports.port },
      ],
    },
    prepareDisk: (disk) => prepareHermeticDisk(disk),
  })
  disks.set(hostname, run.disk)
  assert.not.ok(run.boot.timedOut, `${hostname} boot ${n} timed out; console:\n${consoleTail(run.boot)}`)
  const { status, log } = readProvisionRecord(run.disk)
  mkdirSync(join(e2eCacheDir(), 'work'), { recursive: true })
  const lines = status.steps.map((s) => `e2e-state ${hostname} boot${n} ${s.id} ${s.state}`)
  const gpu = (status as { gpu?: Record<string, unknown> }).gpu
  if (gpu) lines.push(`e2e-state ${hostname} boot${n} gpu ${['ready', 'count', 'driver', 'nvswitches', 'fabricManager', 'cuda', 'toolkit'].map((k) => `${k}=${JSON.stringify(gpu[k])}`).join(' ')}`)
  // Read as soon as this node's VM is off (the other may still run): a node that rebooted is `rebooting` for the
  // reboot's deadline, not longer.
  const [fleet] = await fleetStatus(reports.url, [hostname])
  lines.push(`e2e-fleet ${hostname} boot${n} ${fleet!.state} ${fleet!.done}/${fleet!.total}`)
  appendFileSync(stateFile, lines.join('\n') + '\n')
  process.stdout.write(lines.join('\n') + '\n')
  return { run, status, log, fleet: fleet! }
}

/**
 * What this test's guest needs on top of the shared rootfs, written onto each fresh disk (the other VM tests boot the
 * rootfs as it is): the site image trusts its archive mirror's key (the partial Debian mirror is signed with the
 * upstream's key); networking as cloud-init renders it on Debian (systemd-networkd, without waiting for
 * network-online); like an air-gapped image no public CA (update-ca-certificates, run for the site CA by cloud-init and
 * the packages step, then rewrites a bundle of one certificate instead of ~140: minutes less per boot under TCG); and
 * a unit that records `docker info` and `docker images` at shutdown.
 */
function prepareHermeticDisk(disk: GuestDisk): void {
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
  const lib = '/lib/systemd/system'
  // The GPU hardware the NVIDIA stand-ins answer for: an NVSwitch board (lspci is the machine's, so it is on the disk).
  const nv = OS_TARGETS[DEFAULT_TARGET].nvidia
  const layout = join(files, 'gpu-layout')
  writeFileSync(layout, hgxLayout(nv.driverBranch, cudaVersionOf(nv.cudaPackage)!), { mode: 0o644 })
  const lspci = join(files, 'lspci')
  copyFileSync(join(e2eSourceDir, 'upstream', 'stubs', 'lspci'), lspci)
  chmodSync(lspci, 0o755)
  const commands = [
    'mkdir /etc/bai-e2e',
    `write ${layout} /etc/bai-e2e/gpu-layout`,
    `write ${lspci} /usr/local/sbin/lspci`,
    `write ${up.keyring} /etc/apt/trusted.gpg.d/bai-e2e-archive.gpg`,
    `symlink ${sys}/multi-user.target.wants/systemd-networkd.service ${lib}/systemd-networkd.service`,
    `mkdir ${sys}/sockets.target.wants`,
    `symlink ${sys}/sockets.target.wants/systemd-networkd.socket ${lib}/systemd-networkd.socket`,
    `symlink ${sys}/dbus-org.freedesktop.network1.service ${lib}/systemd-networkd.service`,
    `symlink ${sys}/systemd-networkd-wait-online.service /dev/null`,
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
  for (const path of ['/etc/bai-e2e/gpu-layout', '/usr/local/sbin/lspci', '/etc/apt/trusted.gpg.d/bai-e2e-archive.gpg', `${sys}/bai-e2e-docker-record.service`, '/etc/ca-certificates.conf']) {
    assert.ok(disk.exists(path), `${path} not written: ${r.stderr}`)
  }
}

function stepState(status: ProvisionStatus): Record<string, string> {
  return Object.fromEntries(status.steps.map((s) => [s.id, s.state]))
}

/**
 * Runs bai-seed.service again on the next boot, as an operator re-running it would: the script disables the unit and
 * writes the completion marker (the unit's ConditionPathExists) when every step is done, so both are undone.
 */
function reenableUnit(disk: GuestDisk): void {
  for (const request of [
    'symlink /etc/systemd/system/multi-user.target.wants/bai-seed.service /etc/systemd/system/bai-seed.service',
    'rm /var/lib/bai-seed/complete',
  ]) {
    const r = spawnSync('debugfs', ['-w', '-R', request, disk.image], { encoding: 'utf8' })
    assert.is(r.status, 0, r.stderr)
  }
  assert.not.ok(disk.exists('/var/lib/bai-seed/complete'))
}

function dockerRecord(disk: GuestDisk): string {
  return disk.exists('/var/log/bai-e2e-docker.log') ? disk.readFile('/var/log/bai-e2e-docker.log') : ''
}

test('the upstream is built (or cached) and served on loopback', async () => {
  rootfs = ensureGuestRootfs()
  up = ensureUpstream(rootfs)
  services = new UpstreamServices(up, work)
  await services.start()
  assert.ok(services.httpPort > 0 && services.registryPort > 0)
})

test('bai-seed render: every mirror of the inventory reaches the seeds', () => {
  mkdirSync(work, { recursive: true })
  const inventory = join(work, 'cluster.yaml')
  writeHermeticInventory(inventory, up)
  outDir = join(work, 'render')
  rmSync(outDir, { recursive: true, force: true })
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), 'render', '-c', inventory, '-o', outDir, '--power-off-when-done'], { encoding: 'utf8' })
  assert.is(r.status, 0, r.stdout + r.stderr)
  const plan = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), 'plan', '-c', inventory], { encoding: 'utf8' })
  assert.match(plan.stdout, `fetches key http://${GUEST_HTTP}/keys/archive.asc (fingerprint ${up.fingerprint})`)
  assert.match(plan.stdout, `  reports to: http://${GUEST_REPORT}/report/<hostname>/<token>  <- inventory reporting\n`)
})

test('bai-seed serve of the rendered folder listens on loopback for the reports; nothing reported yet', async () => {
  reports = await startReportServe(outDir, join(work, 'serve.log'))
  const fleet = await fleetStatus(reports.url, ['bai-m1', 'bai-g1'])
  assert.equal(fleet.map((n) => [n.hostname, n.state, n.events]), [['bai-m1', 'pending', 0], ['bai-g1', 'pending', 0]])
})

/** Kinds of the node's provision.sh events in the order the server took them (webhook events left out). */
function scriptKinds(fleet: NodeDetail): string[] {
  return fleet.timeline.filter((e) => e.source === 'bai-seed').map((e) => `${e.kind}${e.name ? ` ${e.name}` : ''}`)
}

/** The status the reports give agrees with the status file on the disk: the same steps, in the same states. */
function fleetAgrees(fleet: NodeDetail, status: ProvisionStatus): void {
  assert.equal(fleet.steps.map((s) => [s.id, s.state]), status.steps.map((s) => [s.id, s.state]), `${fleet.hostname}: reported steps`)
  assert.is(fleet.total, status.steps.length)
  assert.is(fleet.done, status.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length)
}

// Manager, boot 1 with the registry stopped: every step done but images, which fails with its reason.
function checkManager1({ run, status }: Booted): void {
  assert.ok(run.boot.poweredOff, `did not power itself off:\n${consoleTail(run.boot)}`)
  const states = stepState(status)
  for (const [id, state] of Object.entries(states)) assert.is(state, id === 'images' ? 'failed' : 'done', `${id}: ${JSON.stringify(status.steps.find((s) => s.id === id))}`)
  const images = status.steps.find((s) => s.id === 'images')!
  assert.match(images.message, /could not pull 3 of 3 images, is the registry reachable\? postgres:16\.3-alpine \(from 10\.0\.2\.101:5000\/hub\/library\/postgres:16\.3-alpine\)/)
  assert.is(status.run.result, 'failed')
}

// Manager, boot 1, as `bai-seed status` has it from the reports: failed at images, with the reason and the log's tail.
function checkManagerFleet1({ fleet, status }: Booted): void {
  assert.is(fleet.state, 'failed', JSON.stringify(fleet))
  assert.is(fleet.step, 'images')
  assert.match(fleet.message, /could not pull 3 of 3 images, is the registry reachable\?/)
  assert.ok(fleet.log, 'a log tail came with the failed step')
  assert.match(fleet.log!, /could not pull 3 of 3 images/)
  assert.match(fleet.log!, /\[images\]/)
  fleetAgrees(fleet, status)
  // The installer is not run here (the disk is made by the test); cloud-init's webhook did report the first boot.
  assert.ok(fleet.timeline.some((e) => e.source === 'cloud-init'), 'cloud-init reported')
  assert.equal(scriptKinds(fleet).at(-1), 'run-result')
}

// Manager, boot 2 with the registry back: complete, and what every step did is on the disk.
function checkManager2({ run, status, log }: Booted): void {
  const disk = run.disk
  assert.ok(run.boot.poweredOff, consoleTail(run.boot))
  assert.is(status.run.result, 'complete', JSON.stringify(status.steps))
  for (const s of status.steps) assert.is(s.state, 'done', s.id)
  // Docker: installed from the mirror, running, bai in group docker, compose answers, daemon.json log options.
  assert.match(disk.readFile('/etc/apt/sources.list'), `deb http://${GUEST_HTTP}/debian bookworm main`)
  assert.match(disk.readFile('/etc/apt/sources.list.d/docker.list'), `http://${GUEST_HTTP}/docker bookworm stable`)
  assert.match(disk.readFile('/etc/group'), /^docker:x:\d+:bai$/m)
  assert.match(log, /Docker Compose version v?2\.\d+/)
  assert.match(log, /github\.com\/docker\/buildx v?0\.\d+/)
  const daemon = JSON.parse(disk.readFile('/etc/docker/daemon.json'))
  assert.equal(daemon['log-opts'], { 'max-size': '100m', 'max-file': '5' })
  // Python from the PBS-shaped release, checked against SHA256SUMS; venvs owned by bai with wheel from the index.
  assert.match(log, `installed Python ${up.python.version} at /home/bai/.static-python/versions/${up.python.version}`)
  assert.ok(disk.exists(`/home/bai/.static-python/versions/${up.python.version}/bin/python3`))
  for (const svc of ['manager', 'webserver', 'storage-proxy', 'app-proxy']) {
    const st = disk.stat(`/home/bai/${svc}/.venv/pyvenv.cfg`)
    assert.is(st.uid, 1100, svc)
    const site = `/home/bai/${svc}/.venv/lib/python3.11/site-packages`
    assert.ok(disk.list(site).some((e) => /^wheel-.*\.dist-info$/.test(e.name)), `${svc}: no wheel from the index`)
  }
  assert.ok(services.requests.some((r) => r.startsWith('GET /simple/wheel/ 200')), services.requests.join('\n'))
  // Images: pulled from the registry mirror and present under their original names.
  const docker = dockerRecord(disk)
  for (const ref of ['postgres:16.3-alpine', 'valkey/valkey:9.1.1-alpine', 'quay.io/coreos/etcd:v3.4.15']) {
    assert.match(docker, new RegExp(`^${ref.replace(/[.]/g, '\\.')} `, 'm'), docker)
  }
  assert.ok(disk.exists('/var/lib/bai-seed/complete'))
}

// Either node after boot 2 and 3, from the reports: done, every step done.
function checkFleetDone({ fleet, status }: Booted): void {
  assert.is(fleet.state, 'done', JSON.stringify({ ...fleet, timeline: undefined }))
  assert.is(fleet.done, fleet.total)
  fleetAgrees(fleet, status)
}

// Manager, boot 3 (the unit enabled again): every step already done, nothing changes.
function checkManager3({ run, status, log }: Booted, before: { log: string }, daemon: string): void {
  assert.ok(run.boot.poweredOff, consoleTail(run.boot))
  assert.is(status.run.result, 'complete')
  const last = provisionRuns(readProvisionRecord(run.disk).events).at(-1)!
  for (const s of status.steps) assert.ok(last.some((e) => e.step === s.id && e.message === 'already done'), `${s.id} ran again`)
  assert.is(run.disk.readFile('/etc/docker/daemon.json'), daemon)
  assert.ok(log.startsWith(before.log))
}

// GPU agent, boot 1: driver from the mirror, then one reboot.
function checkGpu1({ run, status }: Booted): void {
  assert.ok(run.boot.rebooted, `no reboot:\n${consoleTail(run.boot)}`)
  // Every step up to the driver done, the rest pending until the next boot.
  const ids = status.steps.map((s) => s.id)
  const driver = ids.indexOf('nvidia-driver')
  assert.ok(driver > 0, ids.join(' '))
  for (const [i, s] of status.steps.entries()) assert.is(s.state, i <= driver ? 'done' : 'pending', `${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'reboot')
}

// GPU agent, boot 1, from the reports (read when its VM went off): `rebooting` after its driver (the state between its
// boots), within the reboot's deadline, so not stalled.
function checkGpuFleet1({ fleet, status }: Booted): void {
  assert.is(fleet.state, 'rebooting', JSON.stringify({ ...fleet, timeline: undefined }))
  assert.is(fleet.step, 'nvidia-driver')
  assert.ok(fleet.deadline, 'the reboot has its own deadline')
  fleetAgrees(fleet, status)
  assert.ok(scriptKinds(fleet).includes('reboot'), scriptKinds(fleet).join(', '))
}

// GPU agent, boot 2, from the reports: resumed after the reboot, then done.
function checkGpuFleet2(b: Booted): void {
  checkFleetDone(b)
  const kinds = scriptKinds(b.fleet)
  const reboot = kinds.indexOf('reboot')
  assert.ok(reboot >= 0 && kinds.indexOf('resume') > reboot, kinds.join(', '))
  assert.is(kinds.filter((k) => k === 'reboot').length, 1)
}

// GPU agent, boot 2: resumes by itself; CUDA, toolkit, checks and images done; nvidia runtime in Docker.
function checkGpu2({ run, status, log }: Booted): void {
  assert.ok(run.boot.poweredOff, consoleTail(run.boot))
  assert.is(status.run.result, 'complete', JSON.stringify(status.steps))
  for (const s of status.steps) assert.is(s.state, 'done', s.id)
  const daemon = JSON.parse(run.disk.readFile('/etc/docker/daemon.json'))
  assert.equal(daemon.runtimes?.nvidia?.path, 'nvidia-container-runtime')
  assert.equal(daemon['log-opts'], { 'max-size': '100m', 'max-file': '5' })
  assert.match(dockerRecord(run.disk), /Runtimes:.*nvidia/)
  assert.match(dockerRecord(run.disk), /^cr\.backend\.ai\/stable\/python-pytorch:1\.11-py38-cuda11\.3 /m)
  assert.is((log.match(/rebooting to load the NVIDIA driver/g) ?? []).length, 1)
  // The NVSwitch board: Fabric Manager at the driver's version (of three in the mirror), held; the gate's findings.
  const nv = OS_TARGETS[DEFAULT_TARGET].nvidia
  const dpkg = run.disk.readFile('/var/lib/dpkg/status')
  const fm = new RegExp(`^Package: nvidia-fabricmanager-${nv.driverBranch}\nStatus: hold ok installed\n(?:.+\n)*?Version: ${nv.driverBranch}\\.0-e2e$`, 'm')
  assert.match(dpkg, fm, 'Fabric Manager at the driver version, held')
  assert.match(log, `Fabric Manager ${nv.driverBranch}.0-e2e active for driver ${nv.driverBranch}.0`)
  const gpu = (status as { gpu?: Record<string, unknown> }).gpu!
  assert.equal([gpu.ready, gpu.count, gpu.nvswitches, gpu.fabricManager, gpu.driver], [true, 8, 4, 'active', `${nv.driverBranch}.0`])
  assert.match(String(gpu.toolkit), new RegExp(`^${nv.cudaPackage} `))
}

// GPU agent, boot 3: nothing runs again, no second reboot.
function checkGpu3({ run, status, log }: Booted): void {
  assert.ok(run.boot.poweredOff && !run.boot.rebooted, consoleTail(run.boot))
  assert.is(status.run.result, 'complete')
  assert.is((log.match(/rebooting to load the NVIDIA driver/g) ?? []).length, 1)
  const last = provisionRuns(readProvisionRecord(run.disk).events).at(-1)!
  for (const s of status.steps) assert.ok(last.some((e) => e.step === s.id && e.message === 'already done'), `${s.id} ran again`)
}


// Both nodes boot side by side: each VM gets its share of this shared machine's CPUs, and the wall time halves. Both
// boots always end before the checks run, so a failed node never leaves the other one running into the next test.
async function bootBoth(n: number): Promise<[Booted, Booted]> {
  const [m, g] = await Promise.allSettled([boot('bai-m1', n), boot('bai-g1', n)])
  if (m.status === 'rejected') throw m.reason
  if (g.status === 'rejected') throw g.reason
  return [m.value, g.value]
}

test('boot 1: the manager (registry stopped) fails only at images; the GPU agent installs its driver and reboots', async () => {
  await services.stopRegistry()
  const [m, g] = await bootBoth(1)
  checkManager1(m)
  checkGpu1(g)
  checkManagerFleet1(m)
  checkGpuFleet1(g)
})

test('boot 2 (registry back): both complete; the GPU agent resumed after its reboot', async () => {
  await services.startRegistry()
  const [m, g] = await bootBoth(2)
  checkManager2(m)
  checkGpu2(g)
  checkFleetDone(m)
  checkGpuFleet2(g)
})

test('boot 3 (the unit enabled again): every step already done, nothing fetched, nothing changes, no second reboot', async () => {
  const mdisk = disks.get('bai-m1')!
  const before = readProvisionRecord(mdisk)
  const daemon = mdisk.readFile('/etc/docker/daemon.json')
  reenableUnit(mdisk)
  reenableUnit(disks.get('bai-g1')!)
  const served = services.requests.length
  const [m, g] = await bootBoth(3)
  checkManager3(m, before, daemon)
  checkGpu3(g)
  checkFleetDone(m)
  checkFleetDone(g)
  assert.equal(services.requests.slice(served), [], 'a boot with every step done fetched from the upstream')
})

test.after(async () => {
  await services?.close()
  await reports?.close()
})

test.run()
