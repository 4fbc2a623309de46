// The installer ISO carries each node's autoinstall document as `render` writes it: one builder, the same document
// (the compact script inside), parsed from both files and compared whole.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gunzipSync } from 'node:zlib'
import { load } from 'js-yaml'
import { join } from 'node:path'
import { exampleInventory, fixtures } from '../helpers/repo.js'
import { reportUrlOf } from '../../src/fleet/report-url.js'
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

test('with reporting: each node\'s config is render\'s, report URL included, and owner-only; without, readable', () => {
  const key = Buffer.alloc(32, 7)
  const reporting = planInventory(join(fixtures, 'reporting.yaml'))
  const withUrls = installerSeed(reporting, 'bai-example', key)
  for (const plan of reporting) {
    const url = reportUrlOf(plan, key)!
    const rendered = renderNode(plan, url).find((a) => a.path === 'autoinstall/user-data')!
    const file = withUrls.files.find((f) => f.path === `nocloud/nodes/${plan.hostname}.yaml`)!
    assert.equal(load(file.content), (load(rendered.content) as { autoinstall: unknown }).autoinstall, plan.hostname)
    assert.ok(file.content.includes(url), plan.hostname)
    assert.is(file.mode, 0o600, plan.hostname)
  }
  for (const f of seed.files.filter((f) => f.path.startsWith('nocloud/nodes/'))) assert.is(f.mode, 0o644, f.path)
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
