// GPU settings at validation, table-driven: the driver branch must meet the CUDA toolkit's minimum (NVIDIA's table in
// the target registry), a driver package must name its branch, values the chosen method ignores are warnings, and
// the MIG, DCGM and check-image rules. Each row: the GPU node's nvidia overrides (and its os), the code, severity,
// message and the line the diagnostic points at.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { loadCluster } from '../../src/pipeline/load-cluster.js'
import { CUDA_MIN_DRIVER, cudaVersionOf, driverBranchOf } from '../../src/targets/os-targets.js'

function inventory(nvidia: string, os = 'ubuntu-22.04', extra = ''): string {
  return [
    'cluster: {name: c, domain: d.internal, release: "25.6"}', // 1
    'network: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1]}', // 2
    'storage: {type: local}', // 3
    'nodes:', // 4
    '  - hostname: g1', // 5
    '    ip: 10.0.0.20/24', // 6
    '    roles: [agent-gpu]', // 7
    `    os: ${os}`, // 8
    '    overrides:', // 9
    `      nvidia: ${nvidia}`, // 10
    ...(extra ? [`      ${extra}`] : []), // 11
  ].join('\n') + '\n'
}

function diagnose(text: string) {
  const file = join(tempDir('nvidia-validate'), 'cluster.yaml')
  writeFileSync(file, text)
  return loadCluster({ inventoryFile: file, profileDirs: [] }).diagnostics
}

const ROWS: { what: string; nvidia: string; os?: string; extra?: string; code: string; severity: 'error' | 'warning'; message: RegExp; line?: number }[] = [
  {
    what: 'CUDA 12.8 on the 535 branch',
    nvidia: '{driver: {package: nvidia-driver-535-server}, cuda: {package: cuda-toolkit-12-8}}',
    code: 'CUDA_DRIVER_MISMATCH', severity: 'error', line: 10,
    message: /^CUDA 12\.8 \(cuda-toolkit-12-8\) needs driver branch 570 or newer; the driver nvidia-driver-535-server is branch 535 \(nodes: g1\)$/,
  },
  {
    what: 'CUDA 13.0 (auto driver 570 on jammy)',
    nvidia: '{cuda: {package: cuda-toolkit-13-0}}',
    code: 'CUDA_DRIVER_MISMATCH', severity: 'error', line: 10,
    message: /^CUDA 13\.0 \(cuda-toolkit-13-0\) needs driver branch 580 or newer; the driver nvidia-headless-no-dkms-570-server is branch 570/,
  },
  {
    what: 'auto CUDA of jammy (12.8) with an older pinned branch, ubuntu-drivers method',
    nvidia: '{driver: {package: nvidia-driver-550-server}}',
    code: 'CUDA_DRIVER_MISMATCH', severity: 'error', line: 10,
    message: /^CUDA 12\.8 \(cuda-toolkit-12-8\) needs driver branch 570 or newer; the driver nvidia-driver-550-server is branch 550/,
  },
  {
    what: 'focal defaults with CUDA 12.4',
    nvidia: '{cuda: {package: cuda-toolkit-12-4}}', os: 'ubuntu-20.04',
    code: 'CUDA_DRIVER_MISMATCH', severity: 'error',
    message: /needs driver branch 550 or newer; the driver nvidia-headless-no-dkms-535-server is branch 535/,
  },
  {
    what: 'a driver package without a branch',
    nvidia: '{driver: {method: package, package: nvidia-driver-latest}}',
    code: 'DRIVER_BRANCH_UNKNOWN', severity: 'error', line: 10,
    message: /^cannot tell the driver branch of nvidia-driver-latest/,
  },
  {
    what: 'CUDA that pulls NVIDIA\'s driver packages',
    nvidia: '{cuda: {package: cuda-12-8}}',
    code: 'CUDA_PULLS_DRIVER', severity: 'error',
    message: /^cuda-12-8 depends on NVIDIA's driver packages/,
  },
  {
    what: 'a CUDA package of no known release',
    nvidia: '{cuda: {package: cuda-toolkit}}',
    code: 'CUDA_VERSION_UNKNOWN', severity: 'warning',
    message: /^cannot tell which driver branch cuda-toolkit needs/,
  },
  {
    what: 'dkms with ubuntu-drivers is ignored',
    nvidia: '{driver: {dkms: true}}',
    code: 'DKMS_IGNORED', severity: 'warning', line: 10,
    message: /^nvidia\.driver\.dkms is ignored with method ubuntu-drivers/,
  },
  {
    what: 'a DKMS package without dkms: true',
    nvidia: '{driver: {method: package, package: nvidia-driver-570-server}}',
    code: 'DKMS_PACKAGE', severity: 'warning',
    message: /^nvidia\.driver\.dkms is false but nvidia-driver-570-server builds its modules with DKMS/,
  },
  {
    what: 'MIG without a layout',
    nvidia: '{mig: {enabled: true}}',
    code: 'MIG_LAYOUT_EMPTY', severity: 'error',
    message: /^nvidia\.mig\.enabled needs a layout/,
  },
  {
    what: 'MIG layout naming a GPU the node does not have',
    nvidia: '{gpus: 4, mig: {enabled: true, layout: {"5": [1g.10gb]}}}',
    code: 'MIG_GPU_OUT_OF_RANGE', severity: 'error',
    message: /^nvidia\.mig\.layout names GPU 5, but nvidia\.gpus is 4/,
  },
  {
    what: 'a MIG profile that is no MIG profile',
    nvidia: '{mig: {enabled: true, layout: {all: [big]}}}',
    code: 'BAD_MIG_PROFILE', severity: 'error',
    message: /MIG profile/,
  },
  {
    what: 'DCGM without CUDA',
    nvidia: '{dcgm: {enabled: true}, cuda: {enabled: false}}',
    code: 'DCGM_WITHOUT_CUDA', severity: 'error',
    message: /^nvidia\.dcgm\.enabled needs nvidia\.cuda\.enabled/,
  },
  {
    what: 'no image for the container check',
    nvidia: '{}', extra: 'images: {pull: []}',
    code: 'CHECK_IMAGE_NONE', severity: 'warning',
    message: /^nvidia\.check_image is auto but images\.pull has no image/,
  },
  {
    what: 'fabric_manager only auto, true or false',
    nvidia: '{fabric_manager: yes-please}',
    code: 'SCHEMA_ENUM', severity: 'error',
    message: /auto/,
  },
]

for (const row of ROWS) {
  test(`nvidia validation: ${row.what}`, () => {
    const ds = diagnose(inventory(row.nvidia, row.os, row.extra))
    const d = ds.find((x) => x.code === row.code) ?? ds.find((x) => row.code.startsWith('SCHEMA') && x.severity === 'error' && /fabric_manager/.test(x.path))
    assert.ok(d, `${row.code} not reported: ${JSON.stringify(ds)}`)
    assert.is(d.severity, row.severity)
    assert.match(d.message, row.message)
    if (row.line) assert.is(d.line, row.line, JSON.stringify(d))
  })
}

test('the shipped defaults of every target validate without a GPU diagnostic', () => {
  for (const os of ['ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04']) {
    for (const nvidia of ['{}', '{driver: {method: package}}', '{driver: {method: package, dkms: true}}']) {
      const ds = diagnose(inventory(nvidia, os)).filter((d) => d.code !== 'NO_LOGIN')
      assert.equal(ds, [], `${os} ${nvidia}`)
    }
  }
})

test('the CUDA table: each toolkit release against the branches around its minimum', () => {
  for (const [cuda, min] of Object.entries(CUDA_MIN_DRIVER)) {
    const pkg = `cuda-toolkit-${cuda.replace('.', '-')}`
    assert.is(cudaVersionOf(pkg), cuda)
    for (const branch of [min - 5, min, min + 10]) {
      const driver = `nvidia-driver-${branch}-server`
      assert.is(driverBranchOf(driver)?.number, branch)
      const ds = diagnose(inventory(`{driver: {method: package, package: ${driver}, dkms: true}, cuda: {package: ${pkg}}}`))
      const mismatch = ds.filter((d) => d.code === 'CUDA_DRIVER_MISMATCH')
      assert.is(mismatch.length, branch < min ? 1 : 0, `${pkg} on ${driver}: ${JSON.stringify(ds)}`)
    }
  }
})

test.run()
