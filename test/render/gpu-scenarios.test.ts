// GPU servers without a GPU: the NVIDIA steps of rendered scripts run against a scenario machine, made of the e2e
// NVIDIA stand-ins (test/e2e/upstream/stubs: nvidia-smi answering for a GPU layout, lspci with NVSwitch bridges,
// mokutil, nvidia-persistenced) and stand-ins for apt, dpkg, systemctl and docker (test/render/gpu-machine), with
// every file the steps write under a scratch root. Each scenario runs the steps through the script's own run_step and
// reads the status file they leave, as an operator would.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, repoRoot, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

const STUBS = join(repoRoot, 'test', 'e2e', 'upstream', 'stubs')
const FAKES = join(repoRoot, 'test', 'render', 'gpu-machine')

let rendered: string | undefined
async function script(node: string): Promise<string> {
  rendered ??= await renderFixture(join(fixtures, 'gpu.yaml'))
  return join(rendered, node, 'provision.sh')
}

const gpuLines = (n: number, name: string, mig = true): string[] =>
  Array.from({ length: n }, (_, i) => `gpu ${i} GPU-${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd ${mig ? 'mig' : 'nomig'} ${name}`)

interface Machine {
  dir: string
  /** Layout lines for the stand-ins (driver, cuda, nvswitches, gpu ..., secureboot, mok-pending). */
  layout: string[]
  /** "package version" lines the stand-in apt knows, in apt-cache madison order. */
  repo: string[]
  /** Packages installed before the run. */
  installed?: string[]
}

interface Outcome {
  status: { run: { result: string }; steps: { id: string; state: string; message: string }[]; gpu?: Record<string, unknown> }
  out: string
  file: (path: string) => string
  has: (path: string) => boolean
  log: (name: string) => string
}

/** Runs STEPS of the node's script (a reboot request ends the "boot": the next step runs after it). */
function runOn(m: Machine, scriptFile: string, steps: string[], opts: { driverLoaded?: true } = {}): Outcome {
  const bin = join(m.dir, 'bin')
  mkdirSync(bin, { recursive: true })
  mkdirSync(join(m.dir, 'root'), { recursive: true })
  for (const f of ['apt-get', 'apt-cache', 'apt-mark', 'dpkg-query', 'systemctl', 'docker', 'ldconfig', 'uname', 'ubuntu-drivers', 'dcgmi']) {
    symlinkSync(join(FAKES, f), join(bin, f))
  }
  for (const f of ['lspci', 'mokutil']) symlinkSync(join(STUBS, f), join(bin, f))
  // A driver installed before the run.
  if (opts.driverLoaded) for (const f of ['nvidia-smi', 'nvidia-persistenced']) symlinkSync(join(STUBS, f), join(bin, f))
  writeFileSync(join(m.dir, 'layout'), m.layout.join('\n') + '\n')
  writeFileSync(join(m.dir, 'repo'), m.repo.join('\n') + '\n')
  writeFileSync(join(m.dir, 'installed'), (m.installed ?? []).map((l) => l + '\n').join(''))
  const lib = readFileSync(scriptFile, 'utf8').replace(/^main "\$@"$/m, '').replace(/^export PATH=.*$/m, '')
  writeFileSync(join(m.dir, 'lib.sh'), lib)
  const driver = `
    set -Eeuo pipefail
    source "$FAKE/lib.sh"
    STATE_DIR=$FAKE/state STATUS_FILE=$FAKE/state/status.json
    mkdir -p "$STATE_DIR"
    # The scratch root: every file the steps write lands under it.
    under_root() { REPLY=$FAKE/root$1; }
    sleep() { :; }
    RUN_STARTED=x
    for id in ${steps.join(' ')}; do
      run_step "$id" || { RUN_RESULT=failed; state_save; exit 1; }
      rm -f "$STATE_DIR/reboot-requested"
    done
    RUN_RESULT=complete
    state_save`
  const env = [
    `FAKE=${m.dir}`, `STUBS=${STUBS}`, `PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
    `BAI_E2E_GPU_LAYOUT=${join(m.dir, 'layout')}`, `BAI_E2E_GPU_STATE=${join(m.dir, 'gpu-state')}`,
    'BAI_SEED_RETRY_DELAY=0', 'LC_ALL=C',
  ]
  const r = run('env', ['-i', ...env, 'bash', '--norc', '--noprofile', '-c', driver])
  const statusFile = join(m.dir, 'state', 'status.json')
  const status = existsSync(statusFile) ? JSON.parse(readFileSync(statusFile, 'utf8')) : { run: { result: 'none' }, steps: [] }
  return {
    status,
    out: r.stdout + r.stderr,
    file: (p) => readFileSync(join(m.dir, 'root', p), 'utf8'),
    has: (p) => existsSync(join(m.dir, 'root', p)),
    log: (name) => (existsSync(join(m.dir, name)) ? readFileSync(join(m.dir, name), 'utf8') : ''),
  }
}

const stateOf = (o: Outcome, id: string) => o.status.steps.find((s) => s.id === id)!

const H100 = 'NVIDIA H100 80GB HBM3'
const jammyRepo = (branch: string, driver: string) => [
  `nvidia-headless-no-dkms-${branch}-server ${driver}-0ubuntu0.22.04.1`,
  `nvidia-headless-${branch}-server ${driver}-0ubuntu0.22.04.1`,
  `nvidia-utils-${branch}-server ${driver}-0ubuntu0.22.04.1`,
  `linux-modules-nvidia-${branch}-server-5.15.0-91-generic 5.15.0-91.101+1`,
  `ubuntu-drivers-common 1:0.9.6.2~0.22.04.6`,
  // Newest first, as apt-cache madison lists them: the lock must take the driver's, not the newest.
  `nvidia-fabricmanager-${branch} 570.148.08-0ubuntu0.22.04.1`,
  `nvidia-fabricmanager-${branch} ${driver}-0ubuntu0.22.04.1`,
  `nvidia-fabricmanager-${branch} 570.124.06-0ubuntu0.22.04.1`,
]

test('8-GPU NVSwitch board: server branch via ubuntu-drivers --gpgpu, Fabric Manager at the driver version, persistence, MIG, the gate passes', async () => {
  const m: Machine = {
    dir: tempDir('hgx'),
    layout: ['driver 570.133.20', 'cuda 12.8', 'nvswitches 4', ...gpuLines(8, H100)],
    repo: jammyRepo('570', '570.133.20'),
    installed: ['cuda-toolkit-12-8 12.8.1-1'],
  }
  const o = runOn(m, await script('g-hgx'), ['nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-mig', 'nvidia-check'])
  assert.is(o.status.run.result, 'complete', o.out)
  // The driver: headless server branch, no desktop mode, nvidia-smi added.
  assert.is(o.log('ubuntu-drivers.log'), 'install --gpgpu nvidia:570-server\n')
  const apt = o.log('apt.log')
  assert.match(apt, /^install nvidia-headless-no-dkms-570-server=570\.133\.20-/m)
  assert.match(apt, /^install linux-modules-nvidia-570-server-5\.15\.0-91-generic=/m)
  assert.match(apt, /^install nvidia-utils-570-server=570\.133\.20-/m)
  assert.not.match(apt, /nvidia-driver-|nvidia-dkms|nvidia-headless-570/)
  // Fabric Manager: exactly the driver's version (not the newest), held, enabled and running.
  assert.match(apt, /^install nvidia-fabricmanager-570=570\.133\.20-0ubuntu0\.22\.04\.1$/m)
  assert.is(o.log('held'), 'nvidia-fabricmanager-570\n')
  assert.match(o.log('systemctl.log'), /^enable nvidia-fabricmanager\.service$/m)
  // Persistence: Ubuntu's --no-persistence-mode replaced.
  assert.match(o.file('/etc/systemd/system/nvidia-persistenced.service.d/bai-seed.conf'), /^ExecStart=\nExecStart=\S*nvidia-persistenced --verbose\n$/m)
  // MIG: a unit before Docker and the agent runs the layout script at boot; GPU 7 has its own layout.
  const unit = o.file('/etc/systemd/system/bai-seed-mig.service')
  assert.match(unit, /^Before=docker\.service containerd\.service backendai-agent\.service$/m)
  assert.match(unit, /^After=nvidia-persistenced\.service nvidia-fabricmanager\.service$/m)
  assert.match(unit, /^WantedBy=multi-user\.target$/m)
  assert.match(o.file('/usr/local/sbin/bai-seed-mig'), /^LAYOUT=\('all 3g\.40gb,3g\.40gb' '7 7g\.80gb'\)$/m)
  const smi = run('env', [`BAI_E2E_GPU_LAYOUT=${join(m.dir, 'layout')}`, `BAI_E2E_GPU_STATE=${join(m.dir, 'gpu-state')}`, join(STUBS, 'nvidia-smi'), '-L']).stdout
  assert.is((smi.match(/MIG 3g\.40gb/g) ?? []).length, 14, smi)
  assert.match(smi, /GPU 7: .*\n {2}MIG 7g\.80gb +Device +0:/)
  // The gate's findings in the node's status.
  const gpu = o.status.gpu!
  assert.equal(
    [gpu.ready, gpu.count, gpu.model, gpu.driver, gpu.cuda, gpu.toolkit, gpu.nvswitches, gpu.fabricManager],
    [true, 8, H100, '570.133.20', '12.8', 'cuda-toolkit-12-8 12.8.1-1', 4, 'active'],
  )
  assert.is((gpu.uuids as string[]).length, 8)
  assert.match(o.out, /\[nvidia-check\] GPU stack ready: 8 GPU\(s\), driver 570\.133\.20, CUDA 12\.8/)
})

test('4-GPU PCIe server: no NVSwitch, no Fabric Manager; the DKMS driver package by apt; the gate passes', async () => {
  const m: Machine = {
    dir: tempDir('pcie'),
    layout: ['driver 570.133.20', 'cuda 12.8', ...gpuLines(4, 'NVIDIA L40S', false)],
    repo: jammyRepo('570', '570.133.20'),
    installed: ['cuda-toolkit-12-8 12.8.1-1'],
  }
  const s = await script('g-pcie')
  assert.not.match(readFileSync(s, 'utf8'), /^step_nvidia_fabricmanager\(\)/m, 'fabric_manager: false leaves the step out')
  const o = runOn(m, s, ['nvidia-driver', 'nvidia-persistence', 'nvidia-check'])
  assert.is(o.status.run.result, 'complete', o.out)
  assert.match(o.log('apt.log'), /^install nvidia-headless-570-server=/m)
  assert.not.match(o.log('apt.log'), /linux-modules-nvidia|fabricmanager/)
  assert.is(o.log('ubuntu-drivers.log'), '')
  assert.equal([o.status.gpu!.count, o.status.gpu!.nvswitches, o.status.gpu!.fabricManager, o.status.gpu!.ready], [4, 0, 'not needed', true])
})

test('auto Fabric Manager on a board without NVSwitch: nothing installed, the step says why', async () => {
  const m: Machine = { dir: tempDir('nonvs'), layout: ['driver 570.133.20', 'cuda 12.8', ...gpuLines(8, H100)], repo: jammyRepo('570', '570.133.20') }
  const o = runOn(m, await script('g-hgx'), ['nvidia-fabricmanager'], { driverLoaded: true })
  assert.is(stateOf(o, 'nvidia-fabricmanager').state, 'done', o.out)
  assert.match(o.out, /no NVSwitch on the PCI bus: Fabric Manager is not needed/)
  assert.is(o.log('apt.log'), '')
})

test('Fabric Manager without a package of the driver version fails and lists what there is', async () => {
  const repo = jammyRepo('570', '570.133.20').filter((l) => !l.startsWith('nvidia-fabricmanager-570 570.133.20'))
  const m: Machine = { dir: tempDir('nofm'), layout: ['driver 570.133.20', 'cuda 12.8', 'nvswitches 4', ...gpuLines(8, H100)], repo }
  const o = runOn(m, await script('g-hgx'), ['nvidia-fabricmanager'], { driverLoaded: true })
  assert.is(stateOf(o, 'nvidia-fabricmanager').message, "no nvidia-fabricmanager-570 of the driver's version 570.133.20 in the apt sources (found: 570.148.08-0ubuntu0.22.04.1 570.124.06-0ubuntu0.22.04.1 )")
})

test('7 of 8 GPUs visible: the gate fails naming the count, and the status says what it found', async () => {
  const m: Machine = {
    dir: tempDir('seven'),
    layout: ['driver 570.133.20', 'cuda 12.8', 'nvswitches 4', ...gpuLines(7, H100)],
    repo: jammyRepo('570', '570.133.20'),
    installed: ['cuda-toolkit-12-8 12.8.1-1'],
  }
  const o = runOn(m, await script('g-hgx'), ['nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-mig', 'nvidia-check'])
  assert.is(o.status.run.result, 'failed')
  const check = stateOf(o, 'nvidia-check')
  assert.is(check.state, 'failed')
  assert.match(check.message, /^expected 8 GPUs, nvidia-smi sees 7 \(GPU-00000000-.* a GPU is missing or fell off the bus/)
  assert.equal([o.status.gpu!.ready, o.status.gpu!.count], [false, 7])
  assert.match(String(o.status.gpu!.problem), /^expected 8 GPUs/)
})

test('MIG layout on GPUs that cannot do MIG: the MIG step and the gate fail clearly', async () => {
  const m: Machine = {
    dir: tempDir('nomig'),
    layout: ['driver 570.133.20', 'cuda 12.8', ...gpuLines(8, 'NVIDIA L40S', false)],
    repo: jammyRepo('570', '570.133.20'),
  }
  const s = await script('g-hgx')
  const o = runOn(m, s, ['nvidia-mig'], { driverLoaded: true })
  assert.is(stateOf(o, 'nvidia-mig').state, 'failed', o.out)
  assert.match(o.out, /GPU 0 cannot do MIG \(mig\.mode\.current: \[N\/A\]\)/)
  const c = runOn({ ...m, dir: tempDir('nomig-check') }, s, ['nvidia-persistence', 'nvidia-check'], { driverLoaded: true })
  assert.match(stateOf(c, 'nvidia-check').message, /^GPU 0 \(NVIDIA L40S\) cannot do MIG, but nvidia\.mig lays it out \(3g\.40gb,3g\.40gb\)$/, c.out)
})

test('a MIG layout that is not applied (after a reboot without the unit) fails the gate', async () => {
  const m: Machine = {
    dir: tempDir('migoff'),
    layout: ['driver 570.133.20', 'cuda 12.8', 'nvswitches 4', ...gpuLines(8, H100)],
    repo: jammyRepo('570', '570.133.20'),
    installed: ['cuda-toolkit-12-8 12.8.1-1', 'nvidia-fabricmanager-570 570.133.20-0ubuntu0.22.04.1'],
  }
  const o = runOn(m, await script('g-hgx'), ['nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-check'], { driverLoaded: true })
  assert.match(stateOf(o, 'nvidia-check').message, /^GPU 0 has the MIG devices 'none', not the layout '3g\.40gb,3g\.40gb'/, o.out)
})

test('Secure Boot with DKMS: the driver step warns, and the gate says MOK enrolment is pending instead of failing without a reason', async () => {
  const m: Machine = {
    dir: tempDir('sb'),
    layout: ['driver 570.133.20', 'cuda 12.8', ...gpuLines(4, 'NVIDIA L40S', false), 'secureboot on', 'mok-pending yes', 'loaded no'],
    repo: jammyRepo('570', '570.133.20'),
  }
  const o = runOn(m, await script('g-pcie'), ['nvidia-driver', 'nvidia-check'])
  assert.match(stateOf(o, 'nvidia-driver').message, /^warning: Secure Boot is on and DKMS built the NVIDIA modules/, o.out)
  const check = stateOf(o, 'nvidia-check')
  assert.is(check.state, 'failed')
  assert.match(check.message, /^the NVIDIA driver is not loaded: Secure Boot is on and the key of its DKMS-built modules waits for MOK enrolment/)
  // Without a pending enrolment it says how to start one.
  const n = runOn({ ...m, dir: tempDir('sb2'), layout: m.layout.filter((l) => !l.startsWith('mok-pending')) }, await script('g-pcie'), ['nvidia-check'], { driverLoaded: true })
  assert.match(stateOf(n, 'nvidia-check').message, /is not enrolled: mokutil --import \/var\/lib\/shim-signed\/mok\/MOK\.der/)
  // Secure Boot off: the plain reason.
  const off = runOn({ ...m, dir: tempDir('sb3'), layout: m.layout.filter((l) => !l.startsWith('secureboot')) }, await script('g-pcie'), ['nvidia-check'], { driverLoaded: true })
  assert.match(stateOf(off, 'nvidia-check').message, /^nvidia-smi fails: the NVIDIA driver is not loaded \(NVIDIA-SMI has failed/)
})

test('no prebuilt modules for the running kernel and no DKMS asked for: the driver step fails saying what to do', async () => {
  const m: Machine = {
    dir: tempDir('nomod'),
    layout: ['driver 535.230.02', 'cuda 12.2', ...gpuLines(2, 'NVIDIA A100-PCIE-40GB')],
    repo: jammyRepo('535', '535.230.02').filter((l) => !l.startsWith('linux-modules')),
  }
  const o = runOn(m, await script('g-focal'), ['nvidia-driver'])
  assert.match(stateOf(o, 'nvidia-driver').message, /^no prebuilt NVIDIA modules for kernel 5\.15\.0-91-generic \(linux-modules-nvidia-535-server-5\.15\.0-91-generic is not in the apt sources\).*nvidia\.driver\.dkms: true/)
})

test.run()
