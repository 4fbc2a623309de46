// The air-gapped first boot for real: `bai-seed payload` gathers everything from the hermetic test's own upstream
// (upstream.ts) for the guest's release (its rootfs as --base-root), then the manager and the GPU agent boot with NO
// network device at all and the payload's ISO as a second volume. The inventory pins the manifest's sha256; nothing on
// the guests trusts the upstream's key (the payload's repository is signed by the payload's own key, covered by the
// manifest). Every step of both must be done, the GPU agent's across its driver's reboot. The outcome is printed as
// `e2e-offline <node> boot<N> <step> <state>` lines, beside the hermetic test's `e2e-state` lines.
//
// Lean on purpose (the whole VM stage has a budget): three boots. Both nodes' first boots run side by side; the
// manager completes in it (its images are in the payload: no registry to wait for), the GPU agent boots once more
// after its driver's reboot. A flipped byte, a missing or cut file and another manifest are proven by the fast tests
// (test/payload/node-verify.test.ts), not by more boots here.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFile, spawnSync } from 'node:child_process'
import { dump, load } from 'js-yaml'
import { join } from 'node:path'
import { consoleTail } from './boot-vm.js'
import { e2eCacheDir, e2eSourceDir, e2eWorkDir, repoRoot } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'
import { ensureGuestRootfs, type GuestRootfs } from './guest-rootfs.js'
import type { GuestDisk } from './guest-disk.js'
import { runGuest, type GuestRun } from './guest-run.js'
import { hgxLayout, writeHermeticInventory } from './hermetic-inventory.js'
import { cudaVersionOf, DEFAULT_TARGET, OS_TARGETS } from '../../src/targets/os-targets.js'
import { readProvisionRecord, type ProvisionStatus } from './provision-record.js'
import { ensureUpstream, GUEST_HTTP, GUEST_REGISTRY, UpstreamServices, type Upstream } from './upstream.js'
import { requireTools } from './required-tools.js'

requireTools('offline')

const MANAGER = 'bai-m1'
const GPU = 'bai-g1'
const work = e2eWorkDir('offline')
const stateFile = join(e2eCacheDir(), 'work', 'e2e-state.txt')
const timeoutSeconds = Number(process.env.BAI_SEED_E2E_TIMEOUT) || 2400

/**
 * The hermetic inventory as this test boots it: the GPU agent is a PCIe server (8 GPUs, no NVSwitch) with Fabric
 * Manager off. Fabric Manager's version lock from a payload is proven by the fast tests; the hermetic test boots the
 * NVSwitch board online.
 */
function writeOfflineInventory(path: string, up: Upstream): void {
  writeHermeticInventory(path, up)
  const doc = load(readFileSync(path, 'utf8')) as { nodes: { hostname: string; overrides?: { nvidia?: Record<string, unknown> } }[] }
  const gpu = doc.nodes.find((n) => n.hostname === GPU)!
  gpu.overrides!.nvidia!.fabric_manager = false
  writeFileSync(path, `# Written by the offline e2e test.\n${dump(doc, { lineWidth: 200, noRefs: true })}`)
}

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
    writeOfflineInventory(hostView, up)
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
    process.stdout.write(r.stdout)
    const digest = /manifest sha256 ([0-9a-f]{64})/.exec(r.stdout)![1]!
    payloadIso = join(out, 'payload.iso')
    // The nodes' inventory: the same, offline, pinned to this payload.
    const inventory = join(work, 'cluster.yaml')
    writeOfflineInventory(inventory, up)
    appendFileSync(inventory, `offline:\n  delivery: volume\n  manifest_sha256: ${digest}\n`)
    outDir = join(work, 'render')
    rmSync(outDir, { recursive: true, force: true })
    const rendered = await cli(['render', '-c', inventory, '-o', outDir, '--power-off-when-done'])
    assert.is(rendered.status, 0, rendered.stdout + rendered.stderr)
    const plan = await cli(['plan', '-c', inventory])
    assert.match(plan.stdout, `every download from a second volume labelled BAI_PAYLOAD (manifest sha256 ${digest}); never the network`)
  } finally {
    await services.close()
  }
})

/**
 * On top of the shared rootfs: no public CA (the site CA is the one trusted, as in the hermetic test: a bundle of one
 * certificate instead of ~140, minutes less under TCG) and the unit that records `docker info` and `docker images`
 * at shutdown; on the GPU agent, the GPUs the NVIDIA stand-ins answer for. No upstream key, no networking: the payload
 * brings its own trust.
 */
function prepareDisk(d: GuestDisk, hostname: string): void {
  const files = join(work, 'disk-files', hostname)
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
  const written = [`${sys}/bai-e2e-docker-record.service`]
  if (hostname === GPU) {
    // The GPUs the NVIDIA stand-ins answer for (upstream/stubs): 8 on PCIe, no NVSwitch; lspci is the machine's.
    const nv = OS_TARGETS[DEFAULT_TARGET].nvidia
    const layout = join(files, 'gpu-layout')
    writeFileSync(layout, hgxLayout(nv.driverBranch, cudaVersionOf(nv.cudaPackage)!).replace('nvswitches 4', 'nvswitches 0'), { mode: 0o644 })
    const lspci = join(files, 'lspci')
    copyFileSync(join(e2eSourceDir, 'upstream', 'stubs', 'lspci'), lspci)
    chmodSync(lspci, 0o755)
    commands.unshift('mkdir /etc/bai-e2e', `write ${layout} /etc/bai-e2e/gpu-layout`, `write ${lspci} /usr/local/sbin/lspci`)
    written.push('/etc/bai-e2e/gpu-layout', '/usr/local/sbin/lspci')
  }
  const cmdFile = join(files, 'debugfs.cmd')
  writeFileSync(cmdFile, commands.join('\n') + '\n')
  const r = spawnSync('debugfs', ['-w', '-f', cmdFile, d.image], { encoding: 'utf8' })
  assert.is(r.status, 0, r.stderr)
  for (const path of written) assert.ok(d.exists(path), `${hostname} ${path}: ${r.stderr}`)
  assert.not.ok(d.exists('/etc/apt/trusted.gpg.d/bai-e2e-archive.gpg'), 'the guest must not trust the upstream key')
}

interface Booted {
  run: GuestRun
  status: ProvisionStatus
  log: string
}

/** The kernel stopped before any of the guest's own code ran: a fault of TCG under load (its timer), not of bai-seed. */
const earlyPanic = (console: string): boolean => /Kernel panic - not syncing/.test(console) && !/Run \/sbin\/init|systemd\[1\]/.test(console)

async function boot(hostname: string, n: number): Promise<Booted> {
  let run: GuestRun
  for (let attempt = 1; ; attempt++) {
    run = await runGuest({
      name: `offline-${hostname}`,
      rootfs,
      seedIso: join(outDir, hostname, 'cloud-init.iso'),
      reuseDisk: disks.get(hostname),
      consoleName: `console-${n}${attempt > 1 ? `-attempt${attempt}` : ''}.log`,
      timeoutSeconds,
      fallbackGraceSeconds: 120,
      // No network option: qemu gets -nic none.
      extraDrives: [payloadIso],
      prepareDisk: (d) => prepareDisk(d, hostname),
    })
    disks.set(hostname, run.disk)
    const console = readFileSync(run.boot.consoleLog, 'latin1')
    if (attempt < 2 && earlyPanic(console)) {
      process.stdout.write(`offline: ${hostname} boot ${n}: the guest kernel panicked before init (TCG timer under load); booting again\n`)
      continue
    }
    break
  }
  assert.not.ok(run.boot.timedOut, `${hostname} boot ${n} timed out; console:\n${consoleTail(run.boot)}`)
  const { status, log } = readProvisionRecord(run.disk)
  mkdirSync(join(e2eCacheDir(), 'work'), { recursive: true })
  const lines = status.steps.map((s) => `e2e-offline ${hostname} boot${n} ${s.id} ${s.state}`)
  appendFileSync(stateFile, lines.join('\n') + '\n')
  process.stdout.write(lines.join('\n') + '\n')
  return { run, status, log }
}

const docker = (d: GuestDisk): string => (d.exists('/var/log/bai-e2e-docker.log') ? d.readFile('/var/log/bai-e2e-docker.log') : '')

/** What every node takes from the payload on its first boot: the volume, the repository, Docker, Python, the wheels. */
function checkFromPayload(hostname: string, { run, log }: Booted): void {
  assert.match(log, /payload volume \/dev\/vd\w mounted read-only at \/run\/bai-seed\/payload/)
  assert.match(log, /payload: \d+ file\(s\) under apt\/debian-bookworm\/ keys\/ match the manifest/)
  assert.match(log, /\[docker\] from the payload, not from http:\/\/10\.0\.2\.100\/docker/)
  assert.match(log, /\[python\] from the payload/)
  assert.match(log, `installed Python ${up.python.version} at /home/bai/.static-python/versions/${up.python.version}`)
  assert.match(log, /payload: 3 file\(s\) under wheels\/ match the manifest/)
  const venvs = run.disk.list('/home/bai').filter((e) => run.disk.exists(`/home/bai/${e.name}/.venv/pyvenv.cfg`))
  assert.ok(venvs.length > 0, `${hostname}: no venv made`)
  for (const v of venvs) {
    const site = `/home/bai/${v.name}/.venv/lib/python3.11/site-packages`
    assert.ok(run.disk.list(site).some((e) => /^wheel-.*\.dist-info$/.test(e.name)), `${hostname} ${v.name}: no wheel from the payload`)
  }
  assert.not.match(log, /Get:\d+ https?:/, `${hostname}: apt fetched over the network`)
}

// The manager, boot 1: complete in one boot, its images loaded from the payload under their original names.
function checkManager(b: Booted): void {
  const { run, status, log } = b
  assert.ok(run.boot.poweredOff && !run.boot.rebooted, consoleTail(run.boot))
  for (const s of status.steps) assert.is(s.state, 'done', `${MANAGER} ${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'complete')
  checkFromPayload(MANAGER, b)
  assert.match(log, /\[images\] loaded 3 image\(s\) from the payload/)
  const record = docker(run.disk)
  for (const ref of ['postgres:16.3-alpine', 'valkey/valkey:9.1.1-alpine', 'quay.io/coreos/etcd:v3.4.15']) {
    assert.match(record, new RegExp(`^${ref.replace(/[.]/g, '\\.')} `, 'm'), record)
  }
  assert.match(run.disk.readFile('/etc/group'), /^docker:x:\d+:bai$/m)
  assert.ok(run.disk.exists('/var/lib/bai-seed/complete'))
}

// The GPU agent, boot 1: every step up to the driver from the payload, then the reboot.
function checkGpu1(b: Booted): void {
  const { run, status } = b
  assert.ok(run.boot.rebooted, `no reboot:\n${consoleTail(run.boot)}`)
  const ids = status.steps.map((s) => s.id)
  const driver = ids.indexOf('nvidia-driver')
  assert.ok(driver > 0, ids.join(' '))
  for (const [i, s] of status.steps.entries()) assert.is(s.state, i <= driver ? 'done' : 'pending', `${GPU} ${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'reboot')
  checkFromPayload(GPU, b)
}

test('boot 1 of both side by side, no NIC, payload volume attached: the manager completes, the GPU agent reboots after its driver', async () => {
  // Both boots always end before the checks run, so a failed node never leaves the other one running.
  const [m, g] = await Promise.allSettled([boot(MANAGER, 1), boot(GPU, 1)])
  if (m.status === 'rejected') throw m.reason
  if (g.status === 'rejected') throw g.reason
  checkManager(m.value)
  checkGpu1(g.value)
})

test('the GPU agent, boot 2, still no NIC: it resumes and completes from the payload; the images under their original names', async () => {
  const { run, status, log } = await boot(GPU, 2)
  assert.ok(run.boot.poweredOff, consoleTail(run.boot))
  for (const s of status.steps) assert.is(s.state, 'done', `${s.id}: ${JSON.stringify(s)}`)
  assert.is(status.run.result, 'complete')
  const daemon = JSON.parse(run.disk.readFile('/etc/docker/daemon.json'))
  assert.equal(daemon.runtimes?.nvidia?.path, 'nvidia-container-runtime')
  assert.match(log, /\[images\] loaded \d+ image\(s\) from the payload/)
  assert.match(docker(run.disk), /^cr\.backend\.ai\/stable\/python-pytorch:1\.11-py38-cuda11\.3 /m)
  assert.is((log.match(/rebooting to load the NVIDIA driver/g) ?? []).length, 1)
  // The readiness gate passed on the stand-in GPUs: all 8 seen, no Fabric Manager step (no NVSwitch, forced off).
  assert.not.ok(status.steps.some((s) => s.id === 'nvidia-fabricmanager'), status.steps.map((s) => s.id).join(' '))
  const gpu = (status as { gpu?: Record<string, unknown> }).gpu
  assert.equal([gpu?.ready, gpu?.count], [true, 8], JSON.stringify(gpu))
  assert.not.match(log, /Get:\d+ https?:/, 'apt fetched over the network')
})

test.run()
