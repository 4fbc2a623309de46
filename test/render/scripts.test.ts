// Every generated script passes `bash -n` and shellcheck with nothing at severity warning or above: provision.sh of
// each fixture, and the compact copy as cloud-init writes it (write_files in the gzip user-data) and as autoinstall
// nests it (gz+b64).
import { test } from 'uvu'
import { readUserData } from '../helpers/user-data.js'
import { compactScript } from '../../src/render/script/compact-script.js'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireTool, run } from '../helpers/tools.js'
import { listFiles } from '../../src/write/manifest.js'
import { writeFileText, type WriteFile } from '../helpers/write-files.js'

const inventories = [
  { file: exampleInventory, env: {} },
  { file: join(fixtures, 'single-node.yaml'), env: { BAI_TEST_PASSWORD: 'pw' } },
  { file: join(fixtures, 'metachar.yaml'), env: {} },
  { file: join(fixtures, 'targets.yaml'), env: {} },
  // Reporting nodes: the webhook in both cloud-configs and the autoinstall, the report functions in the script.
  { file: join(fixtures, 'reporting.yaml'), env: {} },
]

async function scripts(): Promise<{ label: string; file: string }[]> {
  const out: { label: string; file: string }[] = []
  const dir = tempDir('scripts')
  for (const inv of inventories) {
    const rendered = await renderFixture(inv.file, { env: inv.env })
    for (const f of await listFiles(rendered)) {
      if (f.endsWith('provision.sh')) out.push({ label: f, file: f })
      if (f.endsWith('/user-data')) {
        const doc = load(readUserData(f)) as Record<string, any>
        const cc = doc.autoinstall ? doc.autoinstall['user-data'] : doc
        for (const wf of cc.write_files as WriteFile[]) {
          const text = writeFileText(wf)
          if (!text.startsWith('#!')) continue
          const file = join(dir, `${out.length}.sh`)
          writeFileSync(file, text)
          out.push({ label: `${f} ${wf.path}`, file })
        }
      }
    }
  }
  return out
}

test('bash -n and shellcheck (severity warning) pass on every generated script', async () => {
  requireTool('shellcheck')
  const list = await scripts()
  assert.ok(list.length >= 15, `found ${list.length} scripts`)
  for (const s of list) {
    const syntax = run('bash', ['-n', s.file])
    assert.is(syntax.status, 0, `${s.label}: ${syntax.stderr}`)
    const sc = run('shellcheck', ['--severity=warning', '--shell=bash', s.file])
    assert.is(sc.status, 0, `${s.label}:\n${sc.stdout}${sc.stderr}`)
  }
})

test('shellcheck in this test does flag a broken script (the check can fail)', () => {
  requireTool('shellcheck')
  const file = join(tempDir('sc'), 'bad.sh')
  writeFileSync(file, '#!/bin/bash\nfor f in $(ls *.txt); do rm $f; done\nif [ $x == 1 ]; then echo; fi\n')
  assert.is.not(run('shellcheck', ['--severity=warning', file]).status, 0)
})

test('the script as cloud-init installs it is provision.sh made compact (plain in the gzip user-data, gz+b64 in autoinstall)', async () => {
  const rendered = await renderFixture(exampleInventory)
  const script = readFileSync(join(rendered, 'bai-a01', 'provision.sh'), 'utf8')
  const cc = load(readUserData(join(rendered, 'bai-a01', 'cloud-init', 'user-data'))) as Record<string, any>
  const ai = load(readFileSync(join(rendered, 'bai-a01', 'autoinstall', 'user-data'), 'utf8')) as Record<string, any>
  const entry = (doc: Record<string, any>): WriteFile => doc.write_files.find((w: WriteFile) => w.path === '/usr/local/sbin/bai-seed-provision')
  assert.is(entry(cc).encoding, undefined)
  assert.is(entry(ai.autoinstall['user-data']).encoding, 'gz+b64')
  for (const wf of [entry(cc), entry(ai.autoinstall['user-data'])]) assert.is(writeFileText(wf), compactScript(script))
})

test('--list prints the plan order: steps without network first', async () => {
  const rendered = await renderFixture(exampleInventory)
  const r = run('bash', [join(rendered, 'bai-a01', 'provision.sh'), '--list'])
  assert.is(r.status, 0, r.stderr)
  const ids = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])
  assert.equal(ids, ['user', 'limits', 'sysctl', 'hosts', 'storage', 'packages', 'mounts', 'docker', 'python', 'venvs',
    'nvidia-driver', 'nvidia-fabricmanager', 'nvidia-persistence', 'nvidia-cuda', 'nvidia-toolkit', 'images', 'nvidia-check'])
  const lines = r.stdout.trim().split('\n')
  const firstNetwork = lines.findIndex((l) => l.includes('(network)'))
  assert.ok(lines.slice(firstNetwork).every((l) => l.includes('(network)')), 'no offline step after a network step')
})

test.run()
