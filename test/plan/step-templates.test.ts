// Every step declaration has its template, every step template belongs to a declared step, and the variables a
// template reads are the ones its declaration's vars carry (and none are left unused).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, exampleInventory, fixtures } from '../helpers/repo.js'
import { STEP_ORDER } from '../../src/plan/step-order.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import type { NodePlan } from '../../src/model/plan.js'

const scriptTemplates = join(repoRoot, 'templates', 'script')
const templateFile = (template: string): string => join(scriptTemplates, `${template}.sh.hbs`)

function plansOf(file: string, env: NodeJS.ProcessEnv = {}): NodePlan[] {
  const { plans, diagnostics } = planFromInput({ inventoryFile: file, profileDirs: [], only: [], powerOffWhenDone: false, env })
  assert.ok(plans.length > 0, JSON.stringify(diagnostics))
  return plans
}

test('every declared step has its template', () => {
  for (const def of STEP_ORDER) assert.ok(existsSync(templateFile(def.template)), `${def.id}: ${def.template}.sh.hbs is missing`)
})

test('every step template belongs to a declared step', () => {
  const declared = new Set(STEP_ORDER.map((d) => d.template))
  for (const name of readdirSync(join(scriptTemplates, 'steps'))) {
    const template = `steps/${name.replace(/\.sh\.hbs$/, '')}`
    assert.ok(declared.has(template), `templates/script/${template}.sh.hbs has no step declaration`)
  }
})

test('step ids are unique and their functions are distinct shell names', () => {
  const ids = STEP_ORDER.map((d) => d.id)
  assert.equal(new Set(ids).size, ids.length)
  const plans = plansOf(exampleInventory)
  const fns = plans[0]!.steps.map((s) => s.fn)
  assert.equal(new Set(fns).size, fns.length)
  for (const fn of fns) assert.match(fn, /^[a-z_][a-z0-9_]*$/)
})

test("a template reads exactly the vars its step's declaration carries", () => {
  const plans = [
    ...plansOf(exampleInventory),
    ...plansOf(join(fixtures, 'single-node.yaml'), { BAI_TEST_PASSWORD: 'x' }),
    ...plansOf(join(fixtures, 'nfs-server.yaml'), { BAI_TEST_PASSWORD: 'x' }),
    ...plansOf(join(fixtures, 'gpu.yaml')),
  ]
  const seen = new Set<string>()
  for (const plan of plans) {
    for (const step of plan.steps) {
      if (seen.has(step.id)) continue
      seen.add(step.id)
      const source = readFileSync(templateFile(step.template), 'utf8')
      const used = new Set([...source.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)].map((m) => m[1]!))
      const declared = new Set(Object.keys(step.vars))
      for (const v of used) assert.ok(declared.has(v), `${step.template} reads vars.${v}, which ${step.id} does not declare`)
      for (const v of declared) assert.ok(used.has(v), `${step.id} declares vars.${v}, which ${step.template} never reads`)
    }
  }
  assert.equal(seen.size, STEP_ORDER.length, 'the fixtures cover every step')
})

test.run()
