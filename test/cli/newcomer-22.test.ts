// Issue 22, "newcomer slips still open": each through the real CLI (or the file a newcomer reads).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, exampleInventory, repoRoot, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { syntheticInventory } from '../../bench/lib/synthetic-inventory.js'

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')

test('the README\'s commands name files that exist in the checkout', () => {
  for (const m of readme.matchAll(/npx bai-seed render ([^\s`]+)/g)) assert.ok(existsSync(join(repoRoot, m[1]!)), m[0])
  assert.match(readme, /npx bai-seed render examples\/cluster\.yaml/)
})

test('no inventory: the message hints init and -c', () => {
  const r = runCli(['validate'], {}, tempDir('no-inv'))
  assert.is(r.status, 2)
  assert.is(
    r.stderr,
    'cluster.yaml:1:1: error[FILE_READ] (root): file not found: no inventory here; write a commented starter with `bai-seed init`, or name yours with -c FILE (or as the first argument)\n1 error\n',
  )
})

test('init writes an os: line the inventory accepts; the README shows where os: goes', () => {
  const dir = tempDir('init-os')
  assert.is(runCli(['init'], {}, dir).status, 0)
  const text = readFileSync(join(dir, 'cluster.yaml'), 'utf8')
  assert.match(text, /^cluster:\n(?: {2}.*\n)*? {2}os: ubuntu-22\.04 /m)
  const plan = runCli(['plan', '--json'], {}, dir)
  assert.is(plan.status, 0, plan.stderr)
  assert.ok((JSON.parse(plan.stdout) as { target: { id: string; from: string } }[]).every((p) => p.target.id === 'ubuntu-22.04' && p.target.from === 'cluster.os'))
  assert.match(readme, /cluster:\n(?: {2}.*\n)*? {2}os: ubuntu-2[024]\.04/)
})

test('completion without a shell, and a missing argument: one clean line', () => {
  const r = runCli(['completion'])
  assert.is(r.status, 2)
  assert.is(r.stderr, 'error[FLAG] missing argument: shell (bash or zsh) (see --help)\n')
  const p = runCli(['profiles', 'show'])
  assert.is(p.stderr, 'error[FLAG] missing argument: name (see --help)\n')
})

test('the package has no install-time lifecycle script (a global install of the tarball warns about none)', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  for (const s of ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare']) assert.is(pkg.scripts[s], undefined, s)
  // The checkout still builds on npm ci: npm runs the root package's `dependencies` script after it changes node_modules.
  assert.is(pkg.scripts.dependencies, 'npm run build')
})

test('-v is --version', () => {
  const v = runCli(['-v'])
  assert.is(v.status, 0, v.stderr)
  assert.is(v.stdout, runCli(['--version']).stdout)
  assert.match(v.stdout, /^bai-seed\/\d+\.\d+\.\d+ /)
})

test('SIGINT: exit 130, "interrupted; the previous output is unchanged", the previous render intact', async () => {
  const dir = tempDir('sigint')
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, syntheticInventory(300))
  const out = join(dir, 'out')
  assert.is(runCli(['render', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const manifest = readFileSync(join(out, 'manifest.json'))
  const child = spawn(process.execPath, [binRun, 'render', inv, '-o', out, '--force'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  // Interrupt once the run is writing (its staging folder exists).
  const started = Date.now()
  while (!readdirSync(out).some((n) => n.startsWith('.staging-')) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 20))
  child.kill('SIGINT')
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
  assert.is(code, 130, stderr)
  assert.match(stderr, /interrupted; the previous output is unchanged\n$/)
  assert.ok(readFileSync(join(out, 'manifest.json')).equals(manifest), 'manifest.json is the previous one')
  assert.ok(existsSync(join(out, 'bai-m1', 'provision.sh')))
  // The next run cleans up what the interrupted one staged.
  assert.is(runCli(['render', exampleInventory, '-o', out, '--no-iso']).status, 0)
  assert.not.ok(readdirSync(out).some((n) => n.startsWith('.staging-')))
})

test('VM suites check their tools first and name what is missing, with the packages and the install script', () => {
  const tools = join(repoRoot, 'dist', 'test', 'e2e', 'required-tools.js')
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(tools)}).then((m) => m.requireTools('hermetic'))`], {
    encoding: 'utf8',
    env: { PATH: tempDir('empty-path') },
  })
  assert.is(r.status, 1, r.stderr)
  assert.match(r.stderr, /^hermetic: missing .*patchelf \(package patchelf\).*skopeo \(package skopeo\).*; install them with scripts\/install-test-prerequisites\.sh \(as root\), or apt-get install .*patchelf/)
  assert.is(r.stderr.trim().split('\n').length, 1)
})

test('the install script holds every package the VM suites name, and .ci/run calls it', async () => {
  const script = readFileSync(join(repoRoot, 'scripts', 'install-test-prerequisites.sh'), 'utf8')
  const list = /APT_PACKAGES=\(\n([\s\S]*?)\n\)/.exec(script)![1]!.replace(/#.*$/gm, '').split(/\s+/).filter(Boolean)
  const { SUITE_TOOLS } = await import('../e2e/required-tools.js')
  for (const [suite, tools] of Object.entries(SUITE_TOOLS)) {
    for (const { pkg } of tools) if (pkg !== 'dpkg') assert.ok(list.includes(pkg), `${suite}: ${pkg} is not in APT_PACKAGES`)
  }
  assert.match(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8'), /^scripts\/install-test-prerequisites\.sh$/m)
  assert.match(readme, /scripts\/install-test-prerequisites\.sh/)
})

test('the README says where each target\'s ISO comes from and how to check it', async () => {
  const { OS_TARGETS } = await import('../../src/targets/os-targets.js')
  for (const t of Object.values(OS_TARGETS)) {
    assert.match(readme, new RegExp(`\\| \`${t.id}\` \\| \`${t.media.isoName.replace(/\./g, '\\.')}\` \\| https://releases\\.ubuntu\\.com/${t.version}/ \\|`))
  }
  assert.match(readme, /gpg --verify SHA256SUMS\.gpg SHA256SUMS/)
  assert.match(readme, /sha256sum --check --ignore-missing SHA256SUMS/)
})

test.run()
