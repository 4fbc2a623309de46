// `bai-seed plan` tells the truth and stays reviewable (issue 22): notes per target, credentials never printed (plan,
// --json, --full, --diff) and no secret needed, placeholders filled from the node's target, and the cluster view that
// groups nodes with identical plans (measured: the example and a generated 500-node inventory).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { hostRanges } from '../../src/plan/host-ranges.js'
import { maskCredentials } from '../../src/plan/mask-credentials.js'
import { syntheticInventory } from '../../bench/lib/synthetic-inventory.js'
import { DOCKER_FOCAL_NOTE } from '../../src/plan/steps/docker.js'

interface JsonStep { id: string; notes: string[]; fetches: string[] }
interface JsonPlan { hostname: string; target: { id: string }; steps: JsonStep[] }

test('notes are per target: the focal Docker note only on the 20.04 node', () => {
  const r = runCli(['plan', join(fixtures, 'targets.yaml'), '--json'])
  assert.is(r.status, 0, r.stderr)
  const plans = JSON.parse(r.stdout) as JsonPlan[]
  for (const p of plans) {
    const notes = p.steps.find((s) => s.id === 'docker')!.notes
    assert.equal(notes, p.target.id === 'ubuntu-20.04' ? [DOCKER_FOCAL_NOTE] : [], p.hostname)
  }
  assert.equal(plans.map((p) => p.target.id).sort(), ['ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04'])
  const text = runCli(['plan', join(fixtures, 'targets.yaml')]).stdout
  // In the cluster view the note is tagged with the one group of 20.04 nodes.
  assert.match(text, new RegExp(`note: ${DOCKER_FOCAL_NOTE.replace(/[()]/g, '\\$&')}  \\[C\\]\\n`))
  assert.match(text, /^group C: 1 node \(roles: agent-gpu\)\n {4}t-focal$/m)
})

test('placeholders are filled from the target: no <arch> or <distro id> in any plan', () => {
  for (const inv of [exampleInventory, join(fixtures, 'targets.yaml'), join(fixtures, 'single-node.yaml')]) {
    const r = runCli(['plan', inv, '--json'], { BAI_TEST_PASSWORD: '' })
    assert.is(r.status, 0, r.stderr)
    assert.not.match(r.stdout, /<arch>|<distro|<[a-z ]+>/)
    const plans = JSON.parse(r.stdout) as JsonPlan[]
    const fetches = plans.flatMap((p) => p.steps.flatMap((s) => s.fetches))
    assert.ok(fetches.some((f) => f.includes('/linux/ubuntu')) || fetches.some((f) => f.includes('docker')), inv)
  }
  const ex = runCli(['plan', exampleInventory, '--node', 'bai-a01']).stdout
  assert.match(ex, /fetches key https:\/\/download\.docker\.com\/linux\/ubuntu\/gpg /)
  assert.match(ex, /fetches apt https:\/\/download\.docker\.com\/linux\/ubuntu focal stable \(amd64\): docker-ce /)
  assert.match(ex, /fetches apt https:\/\/developer\.download\.nvidia\.com\/compute\/cuda\/repos\/ubuntu2004\/x86_64\/: cuda-toolkit-12-2/)
  assert.match(ex, /fetches apt https:\/\/nvidia\.github\.io\/libnvidia-container\/stable\/deb\/amd64\/: nvidia-container-toolkit/)
  assert.match(ex, /cpython-3\.12\.\d+\+\d+-x86_64-unknown-linux-gnu-install_only\.tar\.gz/)
})

test('maskCredentials: user:password and token URLs, several per line, others unchanged', () => {
  const cases: [string, string][] = [
    ['http://alice:s3cr3t@proxy.lab:3128', 'http://alice:****@proxy.lab:3128'],
    ['https://tok3n@pypi.lab/simple', 'https://****@pypi.lab/simple'],
    ['https://a:b@x/ and http://c:d@y/', 'https://a:****@x/ and http://c:****@y/'],
    ['https://mirror.lab/ubuntu', 'https://mirror.lab/ubuntu'],
    ['user@example no url', 'user@example no url'],
  ]
  for (const [text, masked] of cases) assert.is(maskCredentials(text), masked)
})

test('credentials never in plan, plan --json, plan --full or plan --diff; none of them needs the password', () => {
  const dir = tempDir('plan-secrets')
  const inv = readFileSync(exampleInventory, 'utf8')
    .replace('mirrors: {}', 'mirrors:\n  proxy: http://alice:pr0xyPW@proxy.lab:3128\n  apt: https://bob:m1rrorPW@mirror.lab/ubuntu\n  pypi: https://t0kenPW@pypi.lab/simple')
    .replace('# No password', 'password: {env: BAI_PLAN_PW}\n# No password')
  writeFileSync(join(dir, 'cluster.yaml'), inv)
  const file = join(dir, 'cluster.yaml')
  const out = join(dir, 'out')
  const secrets = /pr0xyPW|m1rrorPW|t0kenPW|plaintextPW|\$6\$/
  const render = runCli(['render', file, '-o', out, '--no-iso'], { BAI_PLAN_PW: 'plaintextPW' })
  assert.is(render.status, 0, render.stderr)
  for (const args of [[], ['--json'], ['--full'], ['--node', 'bai-a01'], ['--diff', '-o', out], ['--diff', '-o', out, '--json']]) {
    const envs = args.length === 0 || args[0] === '--diff' ? [{ BAI_PLAN_PW: undefined }, { BAI_PLAN_PW: 'plaintextPW' }] : [{ BAI_PLAN_PW: undefined }]
    for (const env of envs) {
      const r = runCli(['plan', file, ...args], env)
      assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
      assert.not.match(r.stdout + r.stderr, secrets, args.join(' '))
      if (!args.includes('--diff')) assert.match(r.stdout, /alice:\*\*\*\*@proxy\.lab:3128/, args.join(' '))
    }
  }
  // --diff without the password: the files that hold its hash are named as not compared, the rest compared.
  const unread = runCli(['plan', file, '--diff', '-o', out], { BAI_PLAN_PW: undefined })
  assert.match(unread.stdout, /^bai-m1: unchanged; not compared without the password: .*provision\.sh \(step user\)$/m)
  const same = runCli(['plan', file, '--diff', '-o', out], { BAI_PLAN_PW: 'plaintextPW' })
  assert.is(same.stdout, 'bai-m1: unchanged\nbai-a01: unchanged\nbai-a02: unchanged\n')
  const other = runCli(['plan', file, '--diff', '-o', out], { BAI_PLAN_PW: 'anotherPW' })
  assert.match(other.stdout, /steps that run again on a provisioned node: user\n/)
})

test('hostRanges: numbered runs fold, a node of another group splits a run, short runs stay names', () => {
  const a = ['n01', 'n02', 'n03', 'n05', 'n06', 'n07', 'x', 'm1', 'm2']
  const b = ['n04', 'y']
  assert.equal(hostRanges([a, b]), [['n[01-03]', 'n[05-07]', 'x', 'm1', 'm2'], ['n04', 'y']])
  // Numbers missing from the inventory do not split a run (the range names the inventory's nodes in it).
  assert.equal(hostRanges([['gpu-002', 'gpu-004', 'gpu-005'], ['cpu-003']]), [['gpu-[002-005]'], ['cpu-003']])
  // Widths differ: web9 and web10 are not one run.
  assert.equal(hostRanges([['web8', 'web9', 'web10', 'web11']]), [['web8', 'web9', 'web10', 'web11']])
})

test('cluster view: groups of identical plans, node lists, differences side by side; --full and --node per node', () => {
  const r = runCli(['plan', exampleInventory])
  assert.is(r.status, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.is(lines[0], "bai-example: 3 nodes, 2 plans (the nodes of a group have the same plan; plan --node NAME or plan --full shows each node's own)")
  assert.match(r.stdout, /^group A: 1 node \(roles: manager\)\n {4}bai-m1\ngroup B: 2 nodes \(roles: agent-gpu\)\n {4}bai-a01, bai-a02\n/m)
  assert.match(r.stdout, /^ {2}roles +manager +agent-gpu$/m)
  assert.match(r.stdout, /^ {2}services\.venvs:\n {6}A: \["manager",.*\n {6}B: \["agent"\] {2}<- agent$/m)
  // Steps only some groups run are tagged; settings common to all are printed once.
  assert.match(r.stdout, /nvidia-driver \[network\]: Install the NVIDIA server driver \(headless\) and nvidia-smi {2}\[B\]$/m)
  assert.is(r.stdout.split('user.uid = 1100').length, 2)
  const full = runCli(['plan', exampleInventory, '--full']).stdout
  assert.is(full.match(/^bai-[a-z0-9]+ \(roles: /gm)?.length, 3)
  const one = runCli(['plan', exampleInventory, '--node', 'bai-a02']).stdout
  assert.match(one, /^bai-a02 \(roles: agent-gpu\)\n/)
  assert.not.match(one, /bai-a01|^group /m)
  // Measured: the example's plan against every node's own.
  const grouped = r.stdout.trimEnd().split('\n').length
  const perNode = full.trimEnd().split('\n').length
  console.log(`plan lines, example (3 nodes): ${grouped} grouped, ${perNode} with --full`)
  assert.ok(grouped < perNode / 2, `${grouped} vs ${perNode}`)
})

test('cluster view of a generated 500-node inventory fits a few screens', () => {
  const dir = tempDir('plan-500')
  writeFileSync(join(dir, 'cluster.yaml'), syntheticInventory(500))
  const r = runCli(['plan', join(dir, 'cluster.yaml')])
  assert.is(r.status, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.match(r.stdout, /^group C: 332 nodes \(roles: agent-gpu\)\n {4}gpu-\[00002-00499\]\n/m)
  assert.match(r.stdout, /^group D: 166 nodes \(roles: agent\)\n {4}cpu-\[00003-00498\]\n/m)
  console.log(`plan lines, 500 nodes: ${lines.length} grouped`)
  assert.ok(lines.length <= 200, `${lines.length} lines`)
})

test.run()
