// provision.sh refuses to run on a release it was not rendered for, with a message that says what to do, unless told
// to (--any-os or BAI_SEED_ANY_OS=1). Under --root DIR it reads DIR/etc/os-release (an image being built) and skips
// the check when the folder has none. Runs on this machine (Debian, as root): a refused run touches nothing.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

const outPromise = renderFixture(join(fixtures, 'targets.yaml'))

const OS_RELEASE: Record<string, string> = {
  focal: 'NAME="Ubuntu"\nVERSION_ID="20.04"\nVERSION_CODENAME=focal\nID=ubuntu\nPRETTY_NAME="Ubuntu 20.04.6 LTS"\n',
  jammy: 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID=ubuntu\nPRETTY_NAME="Ubuntu 22.04.5 LTS"\n',
  noble: "NAME='Ubuntu'\nVERSION_ID='24.04'\nVERSION_CODENAME=noble\nID=ubuntu\nPRETTY_NAME='Ubuntu 24.04.3 LTS'\n",
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
}

function rootWith(release: string): string {
  const root = tempDir('target-root')
  mkdirSync(join(root, 'etc'), { recursive: true })
  writeFileSync(join(root, 'etc', 'os-release'), OS_RELEASE[release]!)
  return root
}

const CASES = [
  { node: 't-focal', release: 'focal', ok: true },
  { node: 't-jammy', release: 'jammy', ok: true },
  { node: 't-noble', release: 'noble', ok: true },
  { node: 't-focal', release: 'jammy', ok: false },
  { node: 't-jammy', release: 'noble', ok: false },
  { node: 't-noble', release: 'focal', ok: false },
  { node: 't-noble', release: 'debian', ok: false },
]

for (const c of CASES) {
  test(`${c.node} under --root with ${c.release}'s os-release: ${c.ok ? 'runs' : 'refuses'}`, async () => {
    const out = await outPromise
    const root = rootWith(c.release)
    const r = run('bash', [join(out, c.node, 'provision.sh'), '--root', root, '--only', 'hosts'])
    if (c.ok) {
      assert.is(r.status, 0, r.stderr)
      assert.ok(existsSync(join(root, 'etc', 'hosts')))
    } else {
      assert.is(r.status, 2, r.stdout + r.stderr)
      assert.match(r.stderr, /this script was rendered for Ubuntu \d\d\.04 LTS \(amd64\), but this machine runs /)
      assert.match(r.stderr, /--any-os/)
      assert.not.ok(existsSync(join(root, 'etc', 'hosts')), 'nothing written')
      assert.not.ok(existsSync(join(root, 'var')), 'no state written')
      const forced = run('bash', [join(out, c.node, 'provision.sh'), '--root', root, '--only', 'hosts', '--any-os'])
      assert.is(forced.status, 0, forced.stderr)
      assert.match(forced.stderr, /going on \(--any-os\)/)
      const byEnv = spawnSync('bash', [join(out, c.node, 'provision.sh'), '--root', root, '--only', 'hosts', '--force'], {
        encoding: 'utf8',
        env: { ...process.env, BAI_SEED_ANY_OS: '1' },
      })
      assert.is(byEnv.status, 0, byEnv.stderr)
    }
  })
}

test('a scratch root without os-release is not checked', async () => {
  const out = await outPromise
  const root = tempDir('target-root')
  assert.is(run('bash', [join(out, 't-noble', 'provision.sh'), '--root', root, '--only', 'hosts']).status, 0)
})

test('on this machine a real run for another release is refused before it touches anything', async () => {
  const out = await outPromise
  // A node rendered for a release this machine does not run (the test machines run Debian).
  const host = readFileSync('/etc/os-release', 'utf8')
  const node = /^VERSION_ID="?22\.04/m.test(host) ? 't-noble' : 't-jammy'
  const r = run('bash', [join(out, node, 'provision.sh'), '--only', 'hosts'])
  assert.is(r.status, 2, r.stdout + r.stderr)
  if (process.getuid?.() === 0) assert.match(r.stderr, /rendered for Ubuntu \d\d\.04 LTS \(amd64\), but this machine runs /)
})

test.run()
