// The installer ISO carries each node's autoinstall document as `render` writes it: one builder, the same document
// (the compact script inside), parsed from both files and compared whole.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gunzipSync } from 'node:zlib'
import { load } from 'js-yaml'
import { exampleInventory } from '../helpers/repo.js'
import { planInventory } from '../render/pxe/pxe-fixture.js'
import { installerSeed } from '../../src/iso/installer-seed.js'
import { renderNode } from '../../src/render/render-node.js'
import { compactScript } from '../../src/render/script/compact-script.js'
import { renderScript } from '../../src/render/script/render-script.js'

const plans = planInventory(exampleInventory)
const seed = installerSeed(plans, 'bai-example')

test('nocloud/nodes/<host>.yaml is the autoinstall section of render\'s autoinstall/user-data', () => {
  assert.is(plans.length, 3)
  for (const plan of plans) {
    const rendered = renderNode(plan).find((a) => a.path === 'autoinstall/user-data')!
    const fromRender = (load(rendered.content) as { autoinstall: unknown }).autoinstall
    const onIso = load(seed.files.find((f) => f.path === `nocloud/nodes/${plan.hostname}.yaml`)!.content)
    assert.equal(onIso, fromRender, plan.hostname)
  }
})

test('the embedded script is the compact copy', () => {
  const plan = plans[1]!
  const doc = load(seed.files.find((f) => f.path === `nocloud/nodes/${plan.hostname}.yaml`)!.content) as {
    'user-data': { write_files: { content: string }[] }
  }
  const script = gunzipSync(Buffer.from(doc['user-data'].write_files[0]!.content, 'base64')).toString('utf8')
  const full = renderScript(plan)
  assert.is(script, compactScript(full))
  assert.ok(script.length < full.length)
})

test.run()
