// The npm package as users install it: `npm pack` gives a tarball whose `bai-seed` runs from any folder once it is
// installed globally (here into a temporary prefix). Uses npm's cache where it can (npm ci filled it).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, repoRoot, tempDir } from '../helpers/repo.js'

function npm(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 300_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('npm pack: an installable package whose bai-seed runs from another folder', () => {
  const dir = tempDir('pack')
  // The build is there already (npm test builds first); --ignore-scripts keeps pack from building again.
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot)
  assert.is(pack.status, 0, pack.stderr)
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }]
  const paths = info.files.map((f) => f.path)
  for (const p of ['bin/run.js', 'dist/vendor/oclif-core.js', 'dist/src/cli/commands.js', 'templates/script/provision.sh.hbs', 'profiles/base.yaml', 'schemas/inventory.schema.json', 'data/timezones.txt']) {
    assert.ok(paths.includes(p), `${p} is in the package`)
  }
  assert.not.ok(paths.some((p) => p.startsWith('dist/test/')), 'no compiled tests in the package')

  const prefix = join(dir, 'prefix')
  const install = npm(['install', '--global', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(dir, info.filename)], dir)
  assert.is(install.status, 0, install.stderr)
  // No install-time script in the package (the checkout builds from the `dependencies` script, which npm ci runs and
  // a global install does not): npm has nothing to warn about (issue 22).
  assert.not.match(install.stderr, /install-scripts|allowScripts/, install.stderr)
  const bin = join(prefix, 'bin', 'bai-seed')
  assert.ok(existsSync(bin), bin)

  const elsewhere = tempDir('pack-run')
  const run = (args: string[]) => spawnSync(bin, args, { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } })
  const version = run(['--version'])
  assert.is(version.status, 0, version.stderr)
  assert.match(version.stdout, new RegExp(`^bai-seed/${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version} `))
  const render = run(['render', exampleInventory, '-o', 'out', '--node', 'bai-a01'])
  assert.is(render.status, 0, render.stderr)
  assert.ok(existsSync(join(elsewhere, 'out', 'bai-a01', 'provision.sh')))
  const init = run(['init', '-c', 'site.yaml'])
  assert.is(init.status, 0, init.stderr)
  assert.match(readFileSync(join(elsewhere, 'site.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.?\//)
})

test.run()
