// `plan` of an air-gapped cluster (`offline:`) shows what the nodes really use: the payload, its pin, and for every
// step the files of the payload's tree it installs from; never a mirror, key URL or download URL the node will not
// reach. Golden files of the offline fixture's plan (cluster view and each group's node), and no network URL in any
// form of the plan even with every mirror and a proxy set.
// Regenerate after an intended change with: UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/plan/offline-plan   (review the diff).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, repoRoot, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const goldenDir = join(repoRoot, 'test', 'golden', 'plan-offline')
const offline = join(fixtures, 'offline.yaml')

function golden(name: string, got: string): void {
  const file = join(goldenDir, name)
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(goldenDir, { recursive: true })
    writeFileSync(file, got)
  }
  assert.ok(existsSync(file), `${file} is missing: UPDATE_GOLDEN=1 writes it`)
  assert.fixture(got, readFileSync(file, 'utf8'), name)
}

for (const [name, args] of [
  ['cluster.txt', []],
  ['bai-m1.txt', ['--node', 'bai-m1']],
  ['bai-a01.txt', ['--node', 'bai-a01']],
] as const) {
  test(`golden: plan ${args.join(' ') || '(cluster view)'} of the offline fixture`, () => {
    const r = runCli(['plan', offline, ...args])
    assert.is(r.status, 0, r.stderr)
    golden(name, r.stdout)
  })
}

interface JsonPlan {
  hostname: string
  sources: { what: string; value: string; from: string }[]
  steps: { id: string; fetches: string[]; settings: { key: string; value: unknown; ignored?: string }[] }[]
}

test('every mirror, key URL and a proxy set: no URL in the offline plan but the payload\'s own', () => {
  const mirrors = [
    'mirrors:',
    '  apt: http://apt.lab.internal/ubuntu',
    '  docker_apt: http://apt.lab.internal/docker',
    '  docker_apt_key: http://apt.lab.internal/keys/docker.asc',
    '  cuda_apt: http://apt.lab.internal/cuda',
    '  cuda_apt_key: http://apt.lab.internal/keys/cuda.asc',
    '  nvidia_toolkit_apt: http://apt.lab.internal/libnvidia-container',
    '  nvidia_toolkit_apt_key: http://apt.lab.internal/keys/toolkit.asc',
    '  python: http://files.lab.internal/pbs',
    '  pypi: http://pypi.lab.internal/simple',
    '  proxy: http://proxy.lab.internal:3128',
    '',
  ].join('\n')
  const dir = tempDir('offline-plan')
  for (const [offlineBlock, allowed] of [
    ['offline:\n  delivery: volume\n  manifest_sha256: ' + 'a'.repeat(64) + '\n', null],
    ['offline:\n  delivery: url\n  url: http://10.20.30.1:8080/payload/\n  manifest_sha256: ' + 'a'.repeat(64) + '\n', 'http://10.20.30.1:8080/payload'],
  ] as const) {
    const inv = join(dir, `cluster-${allowed ? 'url' : 'volume'}.yaml`)
    writeFileSync(inv, readFileSync(offline, 'utf8').replace(/^mirrors: \{\}\n/m, mirrors).replace(/^offline:\n(  .*\n)+/m, offlineBlock))
    assert.match(readFileSync(inv, 'utf8'), /^  proxy: http:\/\/proxy\.lab\.internal:3128$/m)
    const r = runCli(['plan', inv, '--json'])
    assert.is(r.status, 0, r.stderr)
    const plans = JSON.parse(r.stdout) as JsonPlan[]
    for (const p of plans) {
      const urls = [...p.sources.map((s) => s.value), ...p.steps.flatMap((s) => s.fetches)].flatMap((t) => t.match(/[a-z]+:\/\/[^\s)]+/g) ?? [])
      assert.equal(urls.filter((u) => u !== allowed), [], `${p.hostname}: ${urls.join(' ')}`)
      // Every step that installs something names the payload's files it takes.
      for (const s of p.steps) for (const f of s.fetches) assert.match(f, /^from the payload's (apt\/ubuntu-focal\/|python\/\d+\/|wheels\/|images\/images\.tar)/, `${p.hostname} ${s.id}: ${f}`)
      for (const id of ['packages', 'docker', 'python', 'venvs', 'images']) assert.ok(p.steps.find((s) => s.id === id)!.fetches.length > 0, `${p.hostname} ${id}`)
      const baseUrl = p.steps.flatMap((s) => s.settings).find((s) => s.key === 'python.base_url')!
      assert.match(String(baseUrl.ignored), /^offline: read from the payload's python\/\d+\/$/)
    }
    // The text view says the same: no mirror's host anywhere in it.
    const text = runCli(['plan', inv])
    assert.is(text.status, 0, text.stderr)
    assert.not.match(text.stdout, /lab\.internal|download\.docker\.com|developer\.download\.nvidia\.com|nvidia\.github\.io|pypi\.org/)
  }
})

test('online, the same cluster still shows its network sources and URLs (the offline view is not the only one)', () => {
  const inv = join(tempDir('online-plan'), 'cluster.yaml')
  writeFileSync(inv, readFileSync(offline, 'utf8').replace(/^offline:\n(  .*\n)+/m, ''))
  const r = runCli(['plan', inv, '--node', 'bai-a01'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /fetches key https:\/\/download\.docker\.com\/linux\/ubuntu\/gpg /)
  assert.not.match(r.stdout, /payload/)
})

test.run()
