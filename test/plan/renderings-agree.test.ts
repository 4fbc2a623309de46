// Every rendering says what the plan says, and only that: the example cluster with each step switched off in turn
// (by a per-node override), rendered, and each output compared with the plan.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { join } from 'node:path'
import { dump, load } from 'js-yaml'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { renderNode } from '../../src/render/render-node.js'
import { plannedStep } from '../../src/plan/step-def.js'
import { packagesStep } from '../../src/plan/steps/packages.js'
import { SHARED_PATHS } from '../../src/model/shared-names.js'
import { compactScript } from '../../src/render/script/compact-script.js'
import type { NodePlan } from '../../src/model/plan.js'

// Overrides that switch steps off; the dependent settings go too (validation refuses venvs without a user, ...).
const CASES: { name: string; off: string[]; overrides: Record<string, unknown> }[] = [
  { name: 'nothing off', off: [], overrides: {} },
  { name: 'user', off: ['user', 'venvs'], overrides: { user: { enabled: false }, services: { venvs: [] } } },
  { name: 'limits', off: ['limits'], overrides: { limits: { enabled: false } } },
  { name: 'sysctl', off: ['sysctl'], overrides: { sysctl: { enabled: false } } },
  { name: 'hosts', off: ['hosts'], overrides: { hosts: { enabled: false } } },
  { name: 'storage', off: ['storage', 'mounts'], overrides: { storage: { enabled: false } } },
  {
    name: 'docker',
    off: ['docker', 'images', 'nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-cuda', 'nvidia-toolkit', 'nvidia-check'],
    overrides: { docker: { enabled: false }, images: { enabled: false }, nvidia: { enabled: false } },
  },
  { name: 'python', off: ['python', 'venvs'], overrides: { python: { enabled: false }, services: { venvs: [] } } },
  { name: 'venvs', off: ['venvs'], overrides: { services: { venvs: [] } } },
  {
    name: 'nvidia',
    off: ['nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-cuda', 'nvidia-toolkit', 'nvidia-check'],
    overrides: { nvidia: { enabled: false } },
  },
  { name: 'nvidia-fabricmanager', off: ['nvidia-fabricmanager'], overrides: { nvidia: { fabric_manager: false } } },
  { name: 'nvidia-persistence', off: ['nvidia-persistence'], overrides: { nvidia: { persistence: false } } },
  { name: 'nvidia-cuda', off: ['nvidia-cuda'], overrides: { nvidia: { cuda: { enabled: false } } } },
  { name: 'nvidia-toolkit', off: ['nvidia-toolkit'], overrides: { nvidia: { container_toolkit: { enabled: false } } } },
  { name: 'images', off: ['images'], overrides: { images: { enabled: false } } },
  { name: 'packages extra', off: [], overrides: { packages: { 'install+': ['jq'] } } },
]

function plansWith(overrides: Record<string, unknown>): NodePlan[] {
  const inv = load(readFileSync(exampleInventory, 'utf8')) as { nodes: Record<string, unknown>[] }
  for (const n of inv.nodes) n.overrides = overrides
  const file = join(tempDir('agree'), 'cluster.yaml')
  writeFileSync(file, dump(inv, { noRefs: true }))
  const { plans, diagnostics } = planFromInput({ inventoryFile: file, profileDirs: [], only: [], powerOffWhenDone: false, env: {} })
  assert.ok(plans.length === 3, JSON.stringify(diagnostics))
  return plans
}

const baseline = new Map(plansWith({}).map((p) => [p.hostname, p.steps.map((s) => s.id)]))

for (const c of CASES) {
  test(`renderings agree with the plan: ${c.name} off`, () => {
    for (const plan of plansWith(c.overrides)) {
      const ids = plan.steps.map((s) => s.id)
      const expected = baseline.get(plan.hostname)!.filter((id) => !c.off.includes(id))
      assert.equal(ids, expected, `${plan.hostname}: the plan drops exactly ${c.off.join(', ') || 'nothing'}`)
      const files = new Map(renderNode(plan).map((a) => [a.path, a.content]))
      const script = files.get('provision.sh')!
      const stepIds = /^readonly STEP_IDS=\((.*)\)$/m.exec(script)![1]!.split(' ')
      assert.equal(stepIds, ids, 'provision.sh runs the plan steps, in order')
      for (const s of plan.steps) assert.ok(script.includes(`\n${s.fn}() {\n`), `provision.sh defines ${s.fn}`)
      const cloud = load(files.get('cloud-init/user-data')!) as Record<string, unknown>
      const auto = (load(files.get('autoinstall/user-data')!) as { autoinstall: Record<string, unknown> }).autoinstall
      const inner = auto['user-data'] as Record<string, unknown>
      for (const [label, cc] of [['cloud-init', cloud], ['autoinstall.user-data', inner]] as const) {
        const wf = cc.write_files as { path: string; content: string; encoding?: string }[]
        const installed = wf.find((f) => f.path === SHARED_PATHS.installedScript)!
        // cloud-init/user-data is compressed as a whole (renderNode's data), so the script inside is plain there.
        const text = label === 'cloud-init' ? installed.content : gunzipSync(Buffer.from(installed.content, 'base64')).toString('utf8')
        assert.is(installed.encoding, label === 'cloud-init' ? undefined : 'gz+b64', `${label}: the script is compressed`)
        assert.is(text, compactScript(script), `${label} installs provision.sh as rendered, compact`)
        const hasUser = ids.includes('user')
        assert.is(cc.users !== undefined, hasUser, `${label}: users only with the user step`)
        assert.is(cc.bootcmd !== undefined, hasUser, `${label}: the group's bootcmd only with the user step`)
        assert.is(JSON.stringify(cc).includes('NOPASSWD'), hasUser, `${label}: sudoers only with the user step`)
      }
      assert.equal(auto.packages, plannedStep(plan, packagesStep)!.vars.install, 'autoinstall installs the plan packages')
    }
  })
}

test.run()
