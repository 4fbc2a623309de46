// Every generated cloud-config, autoinstall section and network-config checked against the exact upstream schemas
// (BAI_SEED_UPSTREAM_SCHEMAS, default ../shared/schemas; cloud-init's own for cloud-config) with ajv, each against the
// schema of its own OS target's installer and cloud-init, and every cloud-config through Debian's own
// `cloud-init schema`. Without the schemas the ajv tests skip (fail with CI=true).
import { test } from 'uvu'
import { isGzip, readUserData } from '../helpers/user-data.js'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { missing, validateCloudConfig, validateAutoinstall, validateNetworkConfig, upstreamValidator } from '../helpers/upstream-schemas.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { osTarget, TARGET_IDS, type TargetId } from '../../src/targets/os-targets.js'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireMaterial, requireTool, run } from '../helpers/tools.js'
import { listFiles } from '../../src/write/manifest.js'

const inventories = [
  { file: exampleInventory, env: {} },
  { file: join(fixtures, 'single-node.yaml'), env: { BAI_TEST_PASSWORD: 'pw' } },
  { file: join(fixtures, 'metachar.yaml'), env: {} },
  { file: join(fixtures, 'targets.yaml'), env: {} },
  // Reporting nodes: the webhook in both cloud-configs and the autoinstall, the report functions in the script.
  { file: join(fixtures, 'reporting.yaml'), env: {} },
]

interface Doc {
  label: string
  kind: 'cloud-config' | 'autoinstall' | 'network-config'
  target: TargetId
  value: unknown
}

async function generatedDocs(): Promise<Doc[]> {
  const docs: Doc[] = []
  for (const inv of inventories) {
    const out = await renderFixture(inv.file, { env: inv.env })
    const { plans } = planFromInput({ inventoryFile: inv.file, profileDirs: [], only: [], powerOffWhenDone: false, env: inv.env })
    const targetOf = new Map(plans.map((p) => [p.hostname, p.target.id]))
    for (const f of await listFiles(out)) {
      const text = f.endsWith('/user-data') ? readUserData(f) : readFileSync(f, 'utf8')
      const target = targetOf.get(f.slice(out.length + 1).split('/')[0]!)!
      if (f.endsWith('cloud-init/user-data')) docs.push({ label: f, kind: 'cloud-config', target, value: load(text) })
      if (f.endsWith('cloud-init/network-config')) docs.push({ label: f, kind: 'network-config', target, value: load(text) })
      if (f.endsWith('autoinstall/user-data')) {
        const ai = (load(text) as { autoinstall: Record<string, unknown> }).autoinstall
        const network = ai.network as { network?: unknown }
        docs.push({ label: `${f} autoinstall`, kind: 'autoinstall', target, value: ai })
        docs.push({ label: `${f} autoinstall.user-data`, kind: 'cloud-config', target, value: ai['user-data'] })
        const doubled = osTarget(target).autoinstall.doubledNetworkKey
        docs.push({ label: `${f} autoinstall.network`, kind: 'network-config', target, value: doubled ? network.network : network })
      }
    }
  }
  return docs
}

const docsPromise = generatedDocs()

// Every target's schemas are looked up now, so that a missing one is named before the suite decides to run.
for (const id of TARGET_IDS) {
  upstreamValidator(osTarget(id).cloudInit.schema)
  upstreamValidator(osTarget(id).autoinstall.schema)
}
const skipped = requireMaterial(missing)
const schemaTest = skipped ? test.skip : test
const cloudConfig = validateCloudConfig!
const autoinstall = validateAutoinstall!
const networkConfig = validateNetworkConfig!

schemaTest("ajv: every document validates against its own target's upstream schema", async () => {
  const docs = await docsPromise
  assert.ok(docs.filter((d) => d.kind === 'cloud-config').length >= 12, 'found the cloud-configs')
  assert.equal([...new Set(docs.map((d) => d.target))].sort(), [...TARGET_IDS], 'every target rendered')
  for (const d of docs) {
    const t = osTarget(d.target)
    const validate = d.kind === 'cloud-config' ? upstreamValidator(t.cloudInit.schema)!
      : d.kind === 'autoinstall' ? upstreamValidator(t.autoinstall.schema)! : networkConfig
    const ok = validate(d.value)
    assert.ok(ok, `${d.label} (${d.target}): ${JSON.stringify(validate.errors, null, 1)}`)
  }
})

test('each autoinstall speaks its installer: doubled network key on 20.04 only, source from 22.04 on', async () => {
  const docs = (await docsPromise).filter((d) => d.kind === 'autoinstall')
  for (const d of docs) {
    const ai = d.value as { network: Record<string, unknown>; source?: unknown }
    const focal = d.target === 'ubuntu-20.04'
    assert.is('network' in ai.network, focal, d.label)
    assert.is(ai.source !== undefined, !focal, d.label)
  }
})

schemaTest('ajv: the schemas catch a broken document (the check can fail)', () => {
  assert.not.ok(cloudConfig({ users: [{ name: 'bai', uid: 'not-a-number' }], write_files: [{ path: '/x', permissions: 644 }] }))
  assert.not.ok(autoinstall({ version: 1, keyboard: {} }))
  assert.not.ok(networkConfig({ version: 2, ethernets: { e: { addresses: 'not-a-list' } } }))
})

test("cloud-init schema --config-file: every cloud-config passes Debian's cloud-init", async () => {
  requireTool('cloud-init')
  const dir = tempDir('cc')
  const docs = (await docsPromise).filter((d) => d.kind === 'cloud-config')
  docs.forEach((d, i) => {
    const file = join(dir, `cc-${i}.yaml`)
    writeFileSync(file, '#cloud-config\n' + JSON.stringify(d.value))
    const r = run('cloud-init', ['schema', '--config-file', file])
    assert.is(r.status, 0, `${d.label}: ${r.stdout}${r.stderr}`)
  })
  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, '#cloud-config\nusers:\n  - name: bai\n    uid: [1]\nwrite_files:\n  - path: /x\n    permissions: 644\n')
  assert.is.not(run('cloud-init', ['schema', '--config-file', bad]).status, 0, 'cloud-init schema rejects a broken file')
})

test('the rendered files themselves are what cloud-init reads: first line #cloud-config, no document markers', async () => {
  for (const inv of inventories) {
    const out = await renderFixture(inv.file, { env: inv.env })
    for (const f of (await listFiles(out)).filter((p) => p.endsWith('user-data'))) {
      const text = readUserData(f)
      assert.ok(text.startsWith('#cloud-config\n'), f)
      assert.not.match(text, /^---/m, f)
    }
  }
})

// The cloud-init/user-data file is gzip-compressed: Debian's cloud-init's own code unpacks it (user_data.convert_string,
// what every datasource's user-data goes through) into one cloud-config part, and the schema check of that part passes.
test("cloud-init/user-data (gzip): Debian's cloud-init unpacks it to the cloud-config, which passes cloud-init schema", async () => {
  requireTool('cloud-init')
  const unpack = [
    'import sys',
    'from cloudinit.user_data import convert_string',
    "msg = convert_string(open(sys.argv[1], 'rb').read())",
    'parts = [p for p in msg.walk() if not p.is_multipart()]',
    "assert len(parts) == 1, f'{len(parts)} parts'",
    'sys.stdout.write(parts[0].get_payload(decode=True).decode())',
  ].join('\n')
  // The Python that runs cloud-init (its #! line), which has the cloudinit package.
  const cloudInitPython = readFileSync(run('sh', ['-c', 'command -v cloud-init']).stdout.trim(), 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').split(/\s+/)[0]!
  const dir = tempDir('gz-ud')
  let checked = 0
  for (const inv of inventories) {
    const out = await renderFixture(inv.file, { env: inv.env })
    for (const f of (await listFiles(out)).filter((p) => p.endsWith('cloud-init/user-data'))) {
      const bytes = readFileSync(f)
      assert.ok(isGzip(bytes), `${f} is gzip`)
      const r = run(cloudInitPython, ['-c', unpack, f])
      assert.is(r.status, 0, `${f}: ${r.stderr}`)
      assert.is(r.stdout, readUserData(f), f)
      const plain = join(dir, `${checked++}.yaml`)
      writeFileSync(plain, r.stdout)
      const schema = run('cloud-init', ['schema', '--config-file', plain])
      assert.is(schema.status, 0, `${f}: ${schema.stdout}${schema.stderr}`)
    }
  }
  assert.ok(checked >= 4, `checked ${checked}`)
})

test.run()
