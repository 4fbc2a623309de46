// `plan` shows, for every `auto` setting, the value the script really uses: for each step of every fixture node (and
// of variants that change the driver method), each resolved value is one of the step's vars and appears, shell-quoted,
// in that step's function in the rendered provision.sh; and no `auto` setting is shown without its resolution.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dump, load } from 'js-yaml'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { renderNode } from '../../src/render/render-node.js'
import { shellQuote } from '../../src/render/script/shell-quote.js'
import { describePlan } from '../../src/plan/describe-plan.js'
import { loadCluster } from '../../src/pipeline/load-cluster.js'
import { planCluster } from '../../src/pipeline/plan-cluster.js'
import type { NodePlan } from '../../src/model/plan.js'
import type { ResolvedNode } from '../../src/model/resolved.js'
import type { Inventory } from '../../src/model/inventory.js'
import { runCli } from '../helpers/run-cli.js'

function resolveCluster(file: string, env: NodeJS.ProcessEnv): { plans: NodePlan[]; nodes: Map<string, ResolvedNode>; inventory: Inventory } {
  const cluster = loadCluster({ inventoryFile: file, profileDirs: [] })
  const { plans } = planCluster(cluster, { only: [], powerOffWhenDone: false, env })
  assert.ok(plans.length > 0, JSON.stringify(cluster.diagnostics))
  return { plans, nodes: new Map(cluster.nodes.map((n) => [n.node.hostname, n])), inventory: cluster.inventory! }
}

function plansOf(file: string, env: NodeJS.ProcessEnv = {}): NodePlan[] {
  const { plans, diagnostics } = planFromInput({ inventoryFile: file, profileDirs: [], only: [], powerOffWhenDone: false, env })
  assert.ok(plans.length > 0, JSON.stringify(diagnostics))
  return plans
}

/** The gpu fixture with every node's nvidia overrides changed by `change`. */
function gpuVariant(change: (nvidia: Record<string, any>) => void): string {
  const inv = load(readFileSync(join(fixtures, 'gpu.yaml'), 'utf8')) as { nodes: { overrides?: { nvidia?: Record<string, any> } }[] }
  for (const n of inv.nodes) {
    n.overrides ??= {}
    n.overrides.nvidia ??= {}
    change(n.overrides.nvidia)
  }
  const file = join(tempDir('resolved'), 'cluster.yaml')
  writeFileSync(file, dump(inv, { noRefs: true }))
  return file
}

const inventories: [string, NodeJS.ProcessEnv][] = [
  [exampleInventory, {}],
  [join(fixtures, 'single-node.yaml'), { BAI_TEST_PASSWORD: 'x' }],
  [join(fixtures, 'nfs-server.yaml'), { BAI_TEST_PASSWORD: 'x' }],
  [join(fixtures, 'targets.yaml'), {}],
  [join(fixtures, 'gpu.yaml'), {}],
  [gpuVariant((n) => { n.driver = { method: 'package', package: 'auto', dkms: false } }), {}],
  [gpuVariant((n) => { n.driver = { method: 'ubuntu-drivers', package: 'nvidia-driver-580-server-open' }; n.cuda = { package: 'cuda-toolkit-13-0' } }), {}],
  [gpuVariant((n) => { n.check_image = 'auto'; n.fabric_manager = true }), {}],
]

/** The body of a step's function in provision.sh. */
function functionBody(script: string, fn: string): string {
  const start = script.indexOf(`\n${fn}() {\n`)
  assert.ok(start >= 0, `provision.sh defines ${fn}`)
  return script.slice(start, script.indexOf('\n}\n', start))
}

const varValues = (vars: Record<string, unknown>): unknown[] => Object.values(vars).flatMap((v) => (Array.isArray(v) ? v : [v]))

test('every resolved value in the plan is a var of its step and is in that step\'s function in provision.sh', () => {
  let checked = 0
  for (const [file, env] of inventories) {
    for (const plan of plansOf(file, env)) {
      const script = renderNode(plan).find((a) => a.path === 'provision.sh')!.content as string
      for (const step of plan.steps) {
        const body = functionBody(script, step.fn)
        for (const [key, value] of Object.entries(step.resolved)) {
          assert.ok(varValues(step.vars).includes(value), `${plan.hostname} ${step.id}: ${key} -> ${JSON.stringify(value)} is none of its vars`)
          assert.ok(body.includes(shellQuote(value)), `${plan.hostname} ${step.id}: ${key} -> ${shellQuote(value)} is not in ${step.fn}`)
          checked++
        }
      }
    }
  }
  assert.ok(checked > 40, `checked ${checked} resolved values`)
})

test('plan shows no `auto` setting without what it comes to, and the CUDA package resolves to the CUDA package', () => {
  for (const [file, env] of inventories) {
    const { plans, nodes, inventory } = resolveCluster(file, env)
    for (const plan of plans) {
      const described = describePlan(plan, nodes.get(plan.hostname)!, inventory)
      const all = new Map(plan.steps.flatMap((s) => Object.entries(s.resolved)))
      for (const step of described.steps) {
        for (const set of step.settings) {
          if (set.value !== 'auto') continue
          assert.ok(all.has(set.key), `${plan.hostname}: ${set.key} = "auto" is shown without its resolution`)
          // Decided on the node (Fabric Manager by PCI detection): shown as auto, and the script gets `auto`.
          if (all.get(set.key) !== 'auto') assert.is(set.resolved, all.get(set.key), `${plan.hostname}: ${set.key}`)
        }
      }
      const cuda = plan.steps.find((s) => s.id === 'nvidia-cuda')
      if (cuda) {
        const shown = described.steps.flatMap((s) => s.settings).find((s) => s.key === 'nvidia.cuda.package')!
        if (shown.value === 'auto') assert.match(String(shown.resolved), /^cuda-toolkit-\d+-\d+$/, `${plan.hostname}: ${JSON.stringify(shown)}`)
        assert.is(shown.resolved ?? shown.value, cuda.vars.package)
      }
    }
  }
})

test('a value the chosen method ignores is marked in the plan', () => {
  const file = gpuVariant((n) => { n.driver = { method: 'ubuntu-drivers', dkms: true } })
  const { plans, nodes, inventory } = resolveCluster(file, {})
  const described = describePlan(plans[0]!, nodes.get(plans[0]!.hostname)!, inventory)
  const dkms = described.steps.flatMap((s) => s.settings).find((s) => s.key === 'nvidia.driver.dkms')!
  assert.match(String(dkms.ignored), /ubuntu-drivers --gpgpu chooses the kernel modules itself/)
  assert.is(plans[0]!.steps.find((s) => s.id === 'nvidia-driver')!.vars.dkms, false, 'and the script does not use it')
  // Through the CLI: the grouped cluster view and --full mark it, and validation warns about it (exit 0: a warning).
  for (const args of [[], ['--full']]) {
    const r = runCli(['plan', file, ...args])
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, /^ +nvidia\.driver\.dkms = true {2}<- .*\(ignored: ubuntu-drivers --gpgpu chooses the kernel modules itself/m, args.join(' '))
  }
  const v = runCli(['validate', file])
  assert.is(v.status, 0, v.stderr)
  assert.match(v.stdout + v.stderr, /warning.*nvidia\.driver\.dkms is ignored with method ubuntu-drivers/)
})

test.run()
