// The apt pin nvidia-cuda writes, checked with real apt: in a repository labelled as NVIDIA's CUDA repository (its
// Release says "Label: NVIDIA CUDA"), the driver's packages get no candidate while the CUDA toolkit keeps its own; the
// same driver packages from another repository stay installable. The pin text is taken from a rendered script.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireTool, run } from '../helpers/tools.js'

function repo(dir: string, label: string, packages: [string, string][]): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, version] of packages) {
    const root = join(dir, `${name}-src`)
    mkdirSync(join(root, 'DEBIAN'), { recursive: true })
    writeFileSync(join(root, 'DEBIAN', 'control'), `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: t\n`)
    assert.is(run('dpkg-deb', ['-b', root, join(dir, `${name}_${version}_all.deb`)]).status, 0)
  }
  const scan = run('sh', ['-c', `cd '${dir}' && dpkg-scanpackages -m . /dev/null > Packages && apt-ftparchive -o APT::FTPArchive::Release::Label='${label}' release . > Release`])
  assert.is(scan.status, 0, scan.stderr)
}

test('the CUDA repository pin keeps its driver packages out, and nothing else', async () => {
  for (const t of ['dpkg-deb', 'dpkg-scanpackages', 'apt-ftparchive', 'apt-cache']) requireTool(t)
  const script = readFileSync(join(await renderFixture(join(fixtures, 'gpu.yaml')), 'g-hgx', 'provision.sh'), 'utf8')
  const pin = /write_file \/etc\/apt\/preferences\.d\/bai-seed-cuda-no-driver 0644 "([^"]*)"/.exec(script)![1]!
  const dir = tempDir('cuda-pin')
  repo(join(dir, 'cuda'), 'NVIDIA CUDA', [['cuda-toolkit-12-8', '12.8.1-1'], ['nvidia-utils-570-server', '999.0-1'], ['libnvidia-compute-570', '999.0-1'], ['cuda-drivers-570', '570.999-1']])
  repo(join(dir, 'ubuntu'), 'Ubuntu', [['nvidia-utils-570-server', '570.133.20-0ubuntu1']])
  mkdirSync(join(dir, 'prefs'))
  writeFileSync(join(dir, 'prefs', 'bai-seed-cuda-no-driver'), pin)
  writeFileSync(join(dir, 'sources.list'), `deb [trusted=yes] file:${dir}/cuda ./\ndeb [trusted=yes] file:${dir}/ubuntu ./\n`)
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true })
  const o = [
    `Dir::Etc::SourceList=${dir}/sources.list`, 'Dir::Etc::SourceParts=/nonexistent', `Dir::State::Lists=${dir}/lists`,
    `Dir::Cache=${dir}/cache`, `Dir::Etc::PreferencesParts=${dir}/prefs`, 'Dir::Etc::Preferences=/nonexistent',
    'Dir::State::status=/dev/null', 'Debug::NoLocking=1',
  ].flatMap((x) => ['-o', x])
  assert.is(run('apt-get', [...o, 'update']).status, 0)
  const policy = (p: string) => /Candidate: (\S+)/.exec(run('apt-cache', [...o, 'policy', p]).stdout)?.[1]
  assert.is(policy('cuda-toolkit-12-8'), '12.8.1-1', 'the toolkit still comes from NVIDIA')
  assert.is(policy('nvidia-utils-570-server'), '570.133.20-0ubuntu1', "the driver's utils from Ubuntu, never NVIDIA's newer one")
  assert.is(policy('libnvidia-compute-570'), '(none)')
  assert.is(policy('cuda-drivers-570'), '(none)')
  // Without the pin apt would take NVIDIA's newer driver package: the check can fail.
  writeFileSync(join(dir, 'prefs', 'bai-seed-cuda-no-driver'), '')
  assert.is(policy('nvidia-utils-570-server'), '999.0-1')
})

test.run()
