// Output that does not grow with the cluster: with the default hosts scope (`services`) a compute node's files are
// the same size in a cluster of 10 and of 1,000 compute nodes; cloud-init/user-data (gzip-compressed, the compact
// script inside) fits the 16 KiB EC2 takes, and both user-data files are smaller than the script alone. Scope `all`
// names every node.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { renderNode, type Artifact } from '../../src/render/render-node.js'
import { artifactBytes } from '../../src/write/artifact-bytes.js'
import { formatDiagnostic } from '../../src/diagnostics/diagnostic.js'
import { exampleInventory, tempDir } from '../helpers/repo.js'

/** 2 managers, 2 storage nodes, then `compute` agents (GPU and CPU by turns); fixed-width names. */
function inventory(compute: number, overrides = ''): string {
  const lines = [
    'cluster: {name: scale, domain: scale.internal, release: "24.09"}',
    'network: {subnet: 10.30.0.0/16, gateway: 10.30.0.1, dns: [10.30.0.1]}',
    'storage: {type: nfs, server: 10.30.0.5, exports: [{name: data, path: /export/data}]}',
    'ssh: {authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r op@example"]}',
    'nodes:',
  ]
  const node = (name: string, i: number, role: string): void => {
    lines.push(`  - {hostname: ${name}, ip: 10.30.${1 + Math.floor(i / 200)}.${10 + (i % 200)}/16, roles: [${role}], comment: rack ${1 + Math.floor(i / 40)}${overrides}}`)
  }
  node('mgr-0001', 0, 'manager')
  node('mgr-0002', 1, 'manager')
  node('sto-0001', 2, 'storage')
  node('sto-0002', 3, 'storage')
  for (let i = 0; i < compute; i++) node(`cpu-${String(i).padStart(4, '0')}`, 4 + i, i % 2 ? 'agent' : 'agent-gpu')
  const file = join(tempDir('scale'), 'cluster.yaml')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

function render(file: string, only: string[]): Map<string, Artifact[]> {
  const { plans, diagnostics } = planFromInput({ inventoryFile: file, profileDirs: [], only, powerOffWhenDone: false, env: {} })
  assert.ok(plans.length > 0, diagnostics.map(formatDiagnostic).join('\n'))
  return new Map(plans.map((p) => [p.hostname, renderNode(p)]))
}

const size = (artifacts: Artifact[], path: string): number => artifactBytes(artifacts.find((a) => a.path === path)!).length
const sample = ['mgr-0001', 'sto-0001', 'cpu-0000', 'cpu-0001']

test('the example cluster: each user-data is smaller than provision.sh alone (the script inside is compressed)', () => {
  for (const [host, artifacts] of render(exampleInventory, [])) {
    for (const path of ['cloud-init/user-data', 'autoinstall/user-data']) {
      assert.ok(size(artifacts, path) < 0.6 * size(artifacts, 'provision.sh'), `${host} ${path}: ${size(artifacts, path)} bytes`)
    }
  }
})

// EC2 takes at most 16 KiB of user-data; the gzip-compressed cloud-init/user-data of every role must fit it by default.
const EC2_USER_DATA_LIMIT = 16 * 1024
const isGpuAgent = (artifacts: Artifact[]): boolean => artifacts.find((a) => a.path === 'provision.sh')!.content.includes('\nstep_nvidia_driver() {')

test('cloud-init/user-data is at most 16 KiB for every node of the example cluster', () => {
  const nodes = render(exampleInventory, [])
  assert.ok([...nodes.values()].some(isGpuAgent), 'a GPU agent is checked')
  for (const [host, artifacts] of nodes) {
    const bytes = size(artifacts, 'cloud-init/user-data')
    assert.ok(bytes <= EC2_USER_DATA_LIMIT, `${host}: ${bytes} bytes`)
  }
})

test('cloud-init/user-data is at most 16 KiB in a 1,000-node cluster (manager, storage, CPU and GPU agents)', () => {
  const large = render(inventory(1000), sample)
  assert.is(large.size, sample.length)
  const kinds = [...large.values()].map(isGpuAgent)
  assert.ok(kinds.includes(true) && kinds.includes(false), 'GPU and other nodes are checked')
  for (const [host, artifacts] of large) {
    const bytes = size(artifacts, 'cloud-init/user-data')
    assert.ok(bytes <= EC2_USER_DATA_LIMIT, `${host}: ${bytes} bytes`)
  }
})

test('hosts scope services: every file of a node is the same size with 10 and with 1,000 compute nodes', () => {
  const small = render(inventory(10), sample)
  const large = render(inventory(1000), sample)
  for (const host of sample) {
    for (const a of small.get(host)!) {
      if (a.path.endsWith('meta-data')) continue // the instance-id carries a hash
      assert.is(size(large.get(host)!, a.path), artifactBytes(a).length, `${host} ${a.path}`)
    }
  }
})

test('hosts scope services: the service nodes and the node itself; scope all: every node', () => {
  const hostsLine = (artifacts: Artifact[]): string => artifacts.find((a) => a.path === 'provision.sh')!.content.split('\n').find((l) => l.includes('replace_block /etc/hosts'))!
  const services = render(inventory(20), ['cpu-0003', 'mgr-0002'])
  const agentLine = hostsLine(services.get('cpu-0003')!)
  for (const name of ['mgr-0001', 'mgr-0002', 'sto-0001', 'sto-0002', 'cpu-0003']) assert.ok(agentLine.includes(` ${name}.scale.internal ${name}`), `${name} missing: ${agentLine}`)
  for (const name of ['cpu-0000', 'cpu-0002', 'cpu-0004']) assert.not.ok(agentLine.includes(name), `${name} listed: ${agentLine}`)
  const managerLine = hostsLine(services.get('mgr-0002')!)
  assert.not.ok(managerLine.includes('cpu-'), managerLine)

  const all = render(inventory(20, ', overrides: {hosts: {scope: all}}'), ['cpu-0003'])
  const allLine = hostsLine(all.get('cpu-0003')!)
  for (let i = 0; i < 20; i++) assert.ok(allLine.includes(` cpu-${String(i).padStart(4, '0')}.scale.internal`), allLine)
})

test.run()
