// planHoldsSecrets (the fast yes/no a render asks for every node) agrees with secretPaths on every kind of secret.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { planHoldsSecrets, secretPaths } from '../../src/plan/plan-secrets.js'
import type { NodePlan } from '../../src/model/plan.js'

const cases: Array<{ name: string; plan: unknown; paths: string[] }> = [
  { name: 'nothing', plan: { a: 'x', b: ['http://mirror/ubuntu', 3, null], c: { d: true } }, paths: [] },
  { name: 'URL with credentials', plan: { a: { proxy: 'http://user:pw@proxy:3128' } }, paths: ['a.proxy'] },
  { name: 'URL with a user only', plan: { a: { proxy: 'http://user@proxy:3128' } }, paths: [] },
  { name: 'in a list', plan: { l: ['x', 'https://u:p@host/'] }, paths: ['l[1]'] },
  { name: 'secret key', plan: { user: { password_hash: '$6$x' } }, paths: ['user.password_hash'] },
  { name: 'empty under a secret key', plan: { user: { password_hash: '' } }, paths: [] },
  { name: 'deep under a secret key', plan: { registry: { auth: { list: [{ v: 'x' }] } } }, paths: ['registry.auth.list[0].v'] },
  { name: 'authorized keys are no secret', plan: { ssh: { authorized_keys: ['ssh-ed25519 AAAA'] } }, paths: [] },
  { name: 'token', plan: { steps: [{ vars: { Token: 't' } }] }, paths: ['steps[0].vars.Token'] },
]

test('planHoldsSecrets agrees with secretPaths', () => {
  for (const c of cases) {
    assert.equal(secretPaths(c.plan as NodePlan), c.paths, c.name)
    assert.is(planHoldsSecrets(c.plan as NodePlan), c.paths.length > 0, c.name)
  }
})

test.run()
