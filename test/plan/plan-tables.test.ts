// Table tests of the plan stage: the Python of every release line, the Python choice, each step's `applies` and its
// vars per setting and per OS target, and the stability of the password salt.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleInventory } from '../helpers/repo.js'
import { releaseLine } from '../../src/model/releases.js'
import { loadCluster } from '../../src/pipeline/load-cluster.js'
import { buildPlan } from '../../src/plan/build-plan.js'
import { clusterFacts } from '../../src/plan/cluster-facts.js'
import type { PlanContext } from '../../src/plan/step-def.js'
import { STEP_ORDER } from '../../src/plan/step-order.js'
import { pythonChoice, pythonStep } from '../../src/plan/steps/python.js'
import { venvsStep } from '../../src/plan/steps/venvs.js'
import { dockerStep } from '../../src/plan/steps/docker.js'
import { nvidiaCudaStep, nvidiaDriverStep } from '../../src/plan/steps/nvidia.js'
import { packagesStep } from '../../src/plan/steps/packages.js'
import { storageStep } from '../../src/plan/steps/storage.js'
import { passwordHash } from '../../src/plan/password.js'
import type { TargetId } from '../../src/targets/os-targets.js'

test('every release line has its Python and a python-build-standalone release that carries it', () => {
  const table: [string, string, string, string][] = [
    ['22.03', '3.10', '3.10.9', '20221220'],
    ['22.09', '3.10', '3.10.9', '20221220'],
    ['23.03', '3.11', '3.11.3', '20230507'],
    ['23.09', '3.11', '3.11.8', '20240224'],
    ['24.03', '3.12', '3.12.2', '20240224'],
    ['24.09', '3.12', '3.12.6', '20240909'],
    ['24.12', '3.12', '3.12.8', '20241219'],
    ['25.1', '3.12', '3.12.8', '20241219'],
    ['25.5', '3.12', '3.12.8', '20241219'],
    ['25.6', '3.13', '3.13.3', '20250409'],
    ['25.12', '3.13', '3.13.3', '20250409'],
    ['25.13', '3.13', '3.13.7', '20250818'],
    ['25.16', '3.13', '3.13.7', '20250818'],
    ['26.1', '3.13', '3.13.7', '20250818'],
  ]
  for (const [release, minor, version, pbs] of table) {
    assert.equal(releaseLine(release), { minor, pin: { version, release: pbs } }, release)
  }
  for (const bad of ['21.09', '22.06', '23.1', '25.0', '25.17', '25.20', '25.21', '27.1', '24.09.1', 'latest', '']) {
    assert.is(releaseLine(bad), undefined, bad)
  }
})

const cluster = loadCluster({ inventoryFile: exampleInventory, profileDirs: [] })
const manager = cluster.nodes.find((n) => n.node.hostname === 'bai-m1')!
const gpu = cluster.nodes.find((n) => n.node.hostname === 'bai-a01')!

/** The plan context of a node of the example with changed settings, release line or target. */
function ctxOf(
  rn = manager,
  change: { settings?: (s: PlanContext['settings']) => void; release?: string; os?: TargetId } = {},
): PlanContext {
  const inventory = structuredClone(cluster.inventory!)
  if (change.release) inventory.cluster.release = change.release
  if (change.os) inventory.cluster.os = change.os
  const resolved = { ...rn, node: inventory.nodes[rn.index]!, settings: structuredClone(rn.settings) }
  change.settings?.(resolved.settings)
  const facts = clusterFacts(cluster.nodes, inventory)
  const { steps: _, ...plan } = buildPlan(inventory, resolved, { powerOffWhenDone: false, plaintextPassword: null, cluster: facts })
  return { inventory, resolved, settings: resolved.settings, node: resolved.node, plan, cluster: facts }
}

test('the Python choice: auto follows the release line, explicit settings win', () => {
  const table: [string, string, string, string, string][] = [
    // release line, python.version, python.release -> version, PBS release
    ['24.09', 'auto', 'auto', '3.12.6', '20240909'],
    ['25.6', 'auto', 'auto', '3.13.3', '20250409'],
    ['24.09', '3.12.8', 'auto', '3.12.8', '20241219'],
    ['24.09', '3.12.4', '20240713', '3.12.4', '20240713'],
    ['24.09', 'auto', '20241219', '3.12.6', '20241219'],
    ['25.13', 'auto', 'auto', '3.13.7', '20250818'],
  ]
  for (const [release, version, pbs, wantVersion, wantRelease] of table) {
    const ctx = ctxOf(manager, { release, settings: (s) => Object.assign(s.python, { version, release: pbs }) })
    assert.equal(pythonChoice(ctx), { version: wantVersion, release: wantRelease }, `${release} ${version} ${pbs}`)
  }
})

test("each step's applies, per setting", () => {
  const table: { what: string; rn?: typeof manager; change: (s: PlanContext['settings']) => void; on: string[]; off: string[] }[] = [
    { what: 'manager as shipped', change: () => {}, on: ['user', 'limits', 'sysctl', 'hosts', 'storage', 'packages', 'mounts', 'docker', 'python', 'venvs', 'images'], off: ['nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-cuda', 'nvidia-toolkit', 'nvidia-check'] },
    { what: 'GPU agent as shipped', rn: gpu, change: () => {}, on: ['nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-cuda', 'nvidia-toolkit', 'nvidia-check', 'images', 'venvs'], off: ['nvidia-mig', 'nvidia-dcgm', 'nvidia-rdma'] },
    { what: 'GPU agent, Fabric Manager and persistence off', rn: gpu, change: (s) => { s.nvidia.fabric_manager = false; s.nvidia.persistence = false }, on: ['nvidia-driver'], off: ['nvidia-fabricmanager', 'nvidia-persistence'] },
    { what: 'GPU agent, MIG, DCGM, RDMA on', rn: gpu, change: (s) => { s.nvidia.mig = { enabled: true, layout: { all: ['3g.40gb'] } }; s.nvidia.dcgm.enabled = true; s.nvidia.rdma = true }, on: ['nvidia-mig', 'nvidia-dcgm', 'nvidia-rdma'], off: [] },
    { what: 'DCGM without CUDA', rn: gpu, change: (s) => { s.nvidia.dcgm.enabled = true; s.nvidia.cuda.enabled = false }, on: [], off: ['nvidia-dcgm'] },
    { what: 'user off', change: (s) => { s.user.enabled = false }, on: ['limits'], off: ['user'] },
    { what: 'storage local', change: (s) => { s.storage.local = true }, on: ['storage'], off: ['mounts'] },
    { what: 'storage off', change: (s) => { s.storage.enabled = false }, on: [], off: ['storage', 'mounts'] },
    { what: 'docker off', change: (s) => { s.docker.enabled = false }, on: ['packages'], off: ['docker', 'images'] },
    { what: 'no images to pull', change: (s) => { s.images.pull = [] }, on: ['docker'], off: ['images'] },
    { what: 'python off', change: (s) => { s.python.enabled = false }, on: [], off: ['python', 'venvs'] },
    { what: 'no venvs', change: (s) => { s.services.venvs = [] }, on: ['python'], off: ['venvs'] },
    { what: 'no CUDA', rn: gpu, change: (s) => { s.nvidia.cuda.enabled = false }, on: ['nvidia-driver', 'nvidia-check'], off: ['nvidia-cuda'] },
    { what: 'no toolkit', rn: gpu, change: (s) => { s.nvidia.container_toolkit.enabled = false }, on: ['nvidia-cuda'], off: ['nvidia-toolkit'] },
    { what: 'hosts, limits, sysctl off', change: (s) => { s.hosts.enabled = false; s.limits.enabled = false; s.sysctl.enabled = false }, on: ['user'], off: ['hosts', 'limits', 'sysctl'] },
  ]
  const byId = new Map(STEP_ORDER.map((d) => [d.id, d]))
  for (const row of table) {
    const ctx = ctxOf(row.rn ?? manager, { settings: row.change })
    for (const id of row.on) assert.ok(byId.get(id)!.applies(ctx), `${row.what}: ${id} applies`)
    for (const id of row.off) assert.not.ok(byId.get(id)!.applies(ctx), `${row.what}: ${id} does not apply`)
  }
})

test('step vars per OS target: Docker suite and sources format, CUDA repository, default driver and CUDA pair', () => {
  const table: [TargetId, string, boolean, string, string, string][] = [
    ['ubuntu-20.04', 'focal', false, 'ubuntu2004', 'nvidia:535-server', 'cuda-toolkit-12-2'],
    ['ubuntu-22.04', 'jammy', false, 'ubuntu2204', 'nvidia:570-server', 'cuda-toolkit-12-8'],
    ['ubuntu-24.04', 'noble', true, 'ubuntu2404', 'nvidia:570-server', 'cuda-toolkit-12-8'],
  ]
  for (const [os, codename, deb822, distro, driver, cuda] of table) {
    const ctx = ctxOf(gpu, { os })
    assert.is(ctx.plan.target.id, os)
    assert.is(ctx.plan.target.from, 'cluster.os')
    const d = dockerStep.vars(ctx)
    assert.is(d.codename, codename, os)
    assert.is(d.deb822, deb822, os)
    assert.is(nvidiaCudaStep.vars(ctx).distro, distro, os)
    assert.is(nvidiaCudaStep.vars(ctx).package, cuda, os)
    assert.is(nvidiaDriverStep.vars(ctx).package, driver, os)
  }
  const pinned = ctxOf(gpu, { os: 'ubuntu-24.04', settings: (s) => { s.nvidia.driver.package = 'nvidia-driver-550'; s.nvidia.cuda.package = 'cuda-toolkit-12-4' } })
  assert.is(nvidiaDriverStep.vars(pinned).package, 'nvidia:550', 'a named driver wins over the target default (ubuntu-drivers --gpgpu honours its branch)')
  assert.is(nvidiaDriverStep.vars(pinned).branch, '550')
  const apt = ctxOf(gpu, { os: 'ubuntu-24.04', settings: (s) => { s.nvidia.driver.method = 'package' } })
  assert.is(nvidiaDriverStep.vars(apt).package, 'nvidia-headless-no-dkms-570-server', 'method package: headless, prebuilt modules')
  const dkms = ctxOf(gpu, { os: 'ubuntu-24.04', settings: (s) => { s.nvidia.driver.method = 'package'; s.nvidia.driver.dkms = true } })
  assert.is(nvidiaDriverStep.vars(dkms).package, 'nvidia-headless-570-server', 'method package with DKMS')
  const aptPinned = ctxOf(gpu, { os: 'ubuntu-24.04', settings: (s) => { s.nvidia.driver.method = 'package'; s.nvidia.driver.package = 'nvidia-driver-580-server-open' } })
  assert.is(nvidiaDriverStep.vars(aptPinned).package, 'nvidia-driver-580-server-open')
  assert.is(nvidiaDriverStep.vars(aptPinned).branch, '580-server-open')
  assert.is(nvidiaCudaStep.vars(pinned).package, 'cuda-toolkit-12-4')
  assert.is(ctxOf(gpu).plan.target.id, 'ubuntu-20.04', 'default target')
  assert.is(ctxOf(gpu).plan.target.from, 'default')
})

test('step vars per setting: Python layout, venv folders, NFS packages and storage', () => {
  const stat = pythonStep.vars(ctxOf())
  assert.equal([stat.method, stat.version, stat.dest, stat.root], ['static', '3.12.6', '/home/bai/.static-python/versions/3.12.6', '/home/bai/.static-python'])
  const pyenv = pythonStep.vars(ctxOf(manager, { settings: (s) => { s.python.method = 'pyenv' } }))
  assert.equal([pyenv.dest, pyenv.root], ['/home/bai/.pyenv/versions/3.12.6', '/home/bai/.pyenv'])
  const venvs = venvsStep.vars(ctxOf())
  assert.is(venvs.python, '/home/bai/.static-python/versions/3.12.6/bin/python3')
  assert.equal(venvs.services[0], { name: 'manager', dir: '/home/bai/manager', venv: '/home/bai/manager/.venv' })
  assert.ok(packagesStep.vars(ctxOf()).install.includes('nfs-common'), 'NFS storage installs nfs-common')
  assert.not.ok(packagesStep.vars(ctxOf(manager, { settings: (s) => { s.storage.local = true } })).install.includes('nfs-common'))
  const nfs = storageStep.vars(ctxOf())
  assert.equal([nfs.nfs, nfs.dirs], [true, ['/vfroot/data']])
  assert.match(nfs.lines[0]!, /^10\.20\.30\.5:\/export\/backendai\/data \/vfroot\/data nfs /)
  const local = storageStep.vars(ctxOf(manager, { settings: (s) => { s.storage.local = true } }))
  assert.equal([local.nfs, local.dirs, local.lines], [false, ['/vfroot/local'], []])
})

test('password salt: stable per cluster, node and user; different across them; a real SHA-512 crypt', () => {
  const hash = (cluster: string, node: string, user: string) => passwordHash({ env: 'X' }, 'pw', cluster, node, user)!
  const salt = (h: string) => h.split('$')[2]!
  // Cross-checked with `openssl passwd -6 -salt 2KlrLxbZl./JbneW pw`; the same in every earlier release, so
  // re-renders stay byte-identical.
  const expected = '$6$2KlrLxbZl./JbneW$8bbdBFH/6aipL3Utc.dBCKIwlLd8Y89/6jVsJ..JUDg5wZIuvYK1Z6.C.HpmfTqFsdp.hR2e/LxpuhgA1ak1./'
  assert.is(hash('bai-example', 'bai-m1', 'bai'), expected)
  assert.is(hash('bai-example', 'bai-m1', 'bai'), expected, 'stable')
  const others = [hash('bai-example', 'bai-a01', 'bai'), hash('other', 'bai-m1', 'bai'), hash('bai-example', 'bai-m1', 'ops')]
  for (const o of others) {
    assert.is.not(salt(o), salt(expected))
    assert.match(salt(o), /^[./0-9A-Za-z]{16}$/)
  }
  assert.is(passwordHash({ hash: '$6$given$hash' }, 'ignored', 'c', 'n', 'u'), '$6$given$hash', 'a given hash is used as it is')
  assert.is(passwordHash(undefined, null, 'c', 'n', 'u'), null, 'no source: locked')
})

test.run()
