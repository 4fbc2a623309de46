// What a GPU node's offline first boot installs must be in the payload: the driver package with nvidia-smi (its
// utils), the prebuilt modules without DKMS, Fabric Manager of the driver's branch (and lspci), DCGM, the RDMA tools,
// and CUDA and the toolkit.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { fixtures } from '../helpers/repo.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { payloadNeeds, type AptNeed, type Release } from '../../src/payload/payload-needs.js'

function aptOf(host: string, base: Release | null = null): AptNeed {
  const { plans, diagnostics } = planFromInput({ inventoryFile: join(fixtures, 'gpu.yaml'), profileDirs: [], only: [host], powerOffWhenDone: false, env: {} })
  assert.ok(plans.length === 1, JSON.stringify(diagnostics))
  return [...payloadNeeds(plans, base).apt.values()][0]!
}

const packagesOf = (host: string, base: Release | null = null): string[] => [...aptOf(host, base).packages].sort()

test('GPU nodes: the payload holds what their NVIDIA steps install, and nothing ubuntu-drivers would pick', () => {
  // jammy, ubuntu-drivers --gpgpu (not allowed offline: validation says so), Fabric Manager auto, MIG, DCGM, RDMA.
  const hgx = packagesOf('g-hgx')
  for (const p of ['nvidia-fabricmanager-570', 'pciutils', 'datacenter-gpu-manager', 'rdma-core', 'ibverbs-utils', 'infiniband-diags', 'cuda-toolkit-12-8', 'nvidia-container-toolkit']) {
    assert.ok(hgx.includes(p), `g-hgx: ${p} missing from ${hgx.join(' ')}`)
  }
  assert.not.ok(hgx.some((p) => /^nvidia-(headless|driver|utils)-/.test(p)), hgx.join(' '))
  // noble, the DKMS package: no prebuilt modules; no Fabric Manager (fabric_manager: false).
  const pcie = packagesOf('g-pcie')
  for (const p of ['nvidia-headless-570-server', 'nvidia-utils-570-server']) assert.ok(pcie.includes(p), `g-pcie: ${p} missing from ${pcie.join(' ')}`)
  assert.not.ok(pcie.some((p) => /^(linux-modules-nvidia|nvidia-fabricmanager)-/.test(p)), pcie.join(' '))
  // focal, the pinned headless package with the prebuilt modules of the generic kernel; Fabric Manager forced on.
  const focal = packagesOf('g-focal')
  for (const p of ['nvidia-headless-no-dkms-535-server', 'nvidia-utils-535-server', 'linux-modules-nvidia-535-server-generic', 'nvidia-fabricmanager-535']) {
    assert.ok(focal.includes(p), `g-focal: ${p} missing from ${focal.join(' ')}`)
  }
})

test('with the base image known (--base-root), the prebuilt modules are those of its kernels, not the generic ones', () => {
  const base: Release = { id: 'ubuntu', version: '20.04', codename: 'focal', kernels: ['5.4.0-200-generic', '5.15.0-130-generic'] }
  const focal = packagesOf('g-focal', base)
  for (const k of base.kernels!) assert.ok(focal.includes(`linux-modules-nvidia-535-server-${k}`), focal.join(' '))
  assert.not.ok(focal.includes('linux-modules-nvidia-535-server-generic'), focal.join(' '))
})

test('Fabric Manager is locked to the driver package the payload takes; no lock without Fabric Manager or with ubuntu-drivers', () => {
  assert.equal([...aptOf('g-focal').locks.values()].map((l) => [l.package, l.to]), [['nvidia-fabricmanager-535', 'nvidia-headless-no-dkms-535-server']])
  assert.equal([...aptOf('g-pcie').locks.keys()], [])
  assert.equal([...aptOf('g-hgx').locks.keys()], [])
})

test.run()
