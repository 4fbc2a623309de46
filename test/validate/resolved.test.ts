// validateResolved: checks over each node's resolved settings, reported at the origin of the offending value.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlFile, loadYamlText } from '../../src/load/load-yaml.js'
import type { SourceDoc } from '../../src/load/source-doc.js'
import type { NodeEntry } from '../../src/model/inventory.js'
import type { Origin, ResolvedNode } from '../../src/model/resolved.js'
import type { Settings } from '../../src/model/settings.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateResolved, type LocateOrigin } from '../../src/validate/validate-resolved.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const profile = (name: string) => join(ROOT, 'profiles', `${name}.yaml`)

const INVENTORY = [
  'cluster: {name: c, domain: d.internal, release: "24.09"}', //   1
  'network: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1]}', // 2
  'storage: {type: local}', //                                     3
  'nodes:', //                                                     4
  '  - hostname: m1', //                                           5
  '    ip: 10.0.0.10/24', //                                       6
  '    roles: [manager]', //                                       7
  '  - hostname: a1', //                                           8
  '    ip: 10.0.0.20/24', //                                       9
  '    roles: [agent-gpu]', //                                     10
  '    overrides:', //                                             11
  '      python: {version: 3.11.8, release: "20230507"}', //       12
  '      user: {uid: 1200, name: svc}', //                         13
  '  - hostname: a2', //                                           14
  '    ip: 10.0.0.21/24', //                                       15
  '    roles: [agent-gpu]', //                                     16
].join('\n')
const INV_FILE = 'cluster.yaml'
const inventory = loadYamlText(INV_FILE, INVENTORY).doc!

const docs = new Map<string, SourceDoc>([[INV_FILE, inventory]])
const locate: LocateOrigin = (o) => {
  let doc = docs.get(o.file)
  if (!doc) {
    doc = loadYamlFile(o.file).doc!
    docs.set(o.file, doc)
  }
  return { file: o.file, ...doc.locate(o.path) }
}

const baseSettings = (loadYamlFile(profile('base')).doc!.value as { settings: Settings }).settings

/** Origins of every leaf of the base profile, as profile resolution would record them. */
function baseOrigins(): Map<string, Origin> {
  const out = new Map<string, Origin>()
  const walk = (v: unknown, path: string[]) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && path.length < 2) {
      for (const [k, c] of Object.entries(v)) walk(c, [...path, k])
      return
    }
    out.set(path.join('.'), { file: profile('base'), path: ['settings', ...path], source: 'base' })
  }
  walk(baseSettings, [])
  return out
}

type Change = [string, unknown, Origin] // dotted path, value, origin
const fromProfile = (name: string, dotted: string): Origin => ({
  file: profile(name),
  path: ['settings', ...dotted.split('.')],
  source: name,
})
const fromNode = (index: number, hostname: string, path: (string | number)[]): Origin => ({
  file: INV_FILE,
  path: ['nodes', index, 'overrides', ...path],
  source: `node:${hostname}`,
})

function resolved(index: number, hostname: string, changes: Change[]): ResolvedNode {
  const settings = structuredClone(baseSettings)
  const origins = baseOrigins()
  for (const [dotted, value, origin] of changes) {
    const keys = dotted.split('.')
    const parent = keys.slice(0, -1).reduce((o: any, k) => o[k], settings)
    parent[keys[keys.length - 1]!] = value
    origins.set(dotted, origin)
  }
  const node: NodeEntry = { hostname, ip: `10.0.0.${10 + index}/24`, roles: [] }
  return { node, index, settings, origins }
}

const manager = (index = 0, hostname = 'm1') =>
  resolved(index, hostname, [
    ['python.enabled', true, fromProfile('manager', 'python.enabled')],
    ['services.venvs', ['manager', 'webserver', 'storage-proxy', 'app-proxy'], fromProfile('manager', 'services.venvs')],
  ])
const gpuAgent = (index: number, hostname: string, extra: Change[] = []) =>
  resolved(index, hostname, [
    ['python.enabled', true, fromProfile('agent', 'python.enabled')],
    ['services.venvs', ['agent'], fromProfile('agent', 'services.venvs')],
    ['images.enabled', true, fromProfile('agent', 'images.enabled')],
    ['images.pull', ['cr.backend.ai/stable/python:3.9-ubuntu20.04'], fromProfile('agent', 'images.pull')],
    ['nvidia.enabled', true, fromProfile('agent-gpu', 'nvidia.enabled')],
    ...extra,
  ])

type Row = [string, string, number, number, string, string, ('error' | 'warning')?] // code, file, line, col, path, message
const run = (nodes: ResolvedNode[]) =>
  validateResolved(nodes, inventory, locate).map((d) => {
    const row: Row = [d.code, d.file, d.line, d.col, d.path, d.message]
    if (d.severity === 'warning') row.push('warning')
    return row
  })

test('the shipped roles resolved as the lead would: clean', () => {
  assert.equal(run([manager(), gpuAgent(1, 'a1'), gpuAgent(2, 'a2')]), [])
})

test('python version and PBS release set by a node override', () => {
  const a1 = gpuAgent(1, 'a1', [
    ['python.version', '3.11.8', fromNode(1, 'a1', ['python', 'version'])],
    ['python.release', '20230507', fromNode(1, 'a1', ['python', 'release'])],
  ])
  assert.equal(run([manager(), a1]), [
    ['PYTHON_RELEASE_MISMATCH', INV_FILE, 12, 25, 'nodes[1].overrides.python.version', M.onNodes(M.pythonReleaseMismatch('3.11.8', '24.09', '3.12'), ['a1'])],
    ['PBS_RELEASE_UNKNOWN', INV_FILE, 12, 42, 'nodes[1].overrides.python.release', M.onNodes(M.pbsReleaseUnknown('3.11.8', '20230507', ['20240224']), ['a1']), 'warning'],
  ])
})

test('a release pinned for the automatic version must carry it', () => {
  const m1 = resolved(0, 'm1', [
    ['python.enabled', true, fromProfile('manager', 'python.enabled')],
    ['python.release', '20240713', fromProfile('manager', 'python.enabled')],
  ])
  assert.equal(run([m1]), [
    ['PBS_RELEASE_UNKNOWN', profile('manager'), 6, 14, 'settings.python.enabled', M.onNodes(M.pbsReleaseUnknown('3.12.6', '20240713', ['20240909']), ['m1']), 'warning'],
  ])
})

test('a version no known PBS release carries needs an explicit release; pyenv does not', () => {
  const change: Change = ['python.version', '3.12.5', fromNode(1, 'a1', ['python', 'version'])]
  assert.equal(run([gpuAgent(1, 'a1', [change])]), [
    ['PBS_RELEASE_NEEDED', INV_FILE, 12, 25, 'nodes[1].overrides.python.version', M.onNodes(M.pbsReleaseNeeded('3.12.5'), ['a1'])],
  ])
  assert.equal(run([gpuAgent(1, 'a1', [change, ['python.method', 'pyenv', fromNode(1, 'a1', ['python'])]])]), [])
})

test('one origin shared by several nodes gives one diagnostic naming them all', () => {
  const noDocker: Change = ['docker.enabled', false, fromProfile('base', 'docker.enabled')]
  assert.equal(run([gpuAgent(1, 'a1', [noDocker]), gpuAgent(2, 'a2', [noDocker])]), [
    ['NVIDIA_WITHOUT_DOCKER', profile('agent-gpu'), 6, 14, 'settings.nvidia.enabled', M.onNodes(M.nvidiaWithoutDocker, ['a1', 'a2'])],
    ['IMAGES_WITHOUT_DOCKER', profile('agent'), 10, 14, 'settings.images.enabled', M.onNodes(M.imagesWithoutDocker, ['a1', 'a2'])],
  ])
})

test('venvs need Python and the account', () => {
  const m1 = resolved(0, 'm1', [
    ['services.venvs', ['manager'], fromProfile('manager', 'services.venvs')],
    ['user.enabled', false, fromProfile('base', 'user.enabled')],
  ])
  assert.equal(run([m1]), [
    ['VENVS_WITHOUT_PYTHON', profile('manager'), 8, 12, 'settings.services.venvs', M.onNodes(M.venvsWithoutPython, ['m1'])],
    ['VENVS_WITHOUT_USER', profile('manager'), 8, 12, 'settings.services.venvs', M.onNodes(M.venvsWithoutUser, ['m1'])],
  ])
})

test('uid and gid clashes across nodes', () => {
  const uid = (n: number, i: number, h: string): Change => ['user.uid', n, fromNode(i, h, ['user', 'uid'])]
  // a1: bai with another uid; a2: a different user on bai's uid and gid.
  const a1 = gpuAgent(1, 'a1', [uid(1200, 1, 'a1')])
  const a2 = gpuAgent(2, 'a2', [['user.name', 'svc', fromNode(1, 'a1', ['user', 'name'])]])
  assert.equal(run([manager(), a1, a2]), [
    ['UID_CLASH', profile('base'), 7, 10, 'settings.user.uid', M.onNodes(M.uidShared(1100, 'svc', 'bai', 'm1'), ['a2'])],
    ['GID_CLASH', profile('base'), 8, 10, 'settings.user.gid', M.onNodes(M.gidShared(1100, 'svc', 'bai', 'm1'), ['a2'])],
    ['UID_CLASH', INV_FILE, 13, 19, 'nodes[1].overrides.user.uid', M.onNodes(M.uidClash('bai', 1200, 1100, 'm1'), ['a1'])],
  ])
})

test('a gid differing for the same user', () => {
  const a1 = gpuAgent(1, 'a1', [['user.gid', 1300, fromNode(1, 'a1', ['user'])]])
  assert.equal(run([manager(), a1]), [
    ['GID_CLASH', INV_FILE, 13, 13, 'nodes[1].overrides.user', M.onNodes(M.gidClash('bai', 1300, 1100, 'm1'), ['a1'])],
  ])
})

test('without a recorded origin: the node in the inventory', () => {
  const m1 = manager()
  m1.origins.clear()
  m1.settings.docker.enabled = false
  m1.settings.nvidia.enabled = true
  assert.equal(run([m1]), [['NVIDIA_WITHOUT_DOCKER', INV_FILE, 5, 5, 'nodes[0]', M.onNodes(M.nvidiaWithoutDocker, ['m1'])]])
})

test.run()
