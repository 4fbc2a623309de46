// Free-text fields holding shell and YAML metacharacters render to files that parse back to exactly the intended
// values: through YAML (cloud-config, autoinstall) and through bash itself (the hosts block the script writes).
import { test } from 'uvu'
import { readUserData } from '../helpers/user-data.js'
import * as assert from 'uvu/assert'
import { readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

const inventory = join(fixtures, 'metachar.yaml')
const source = load(readFileSync(inventory, 'utf8')) as Record<string, any>
const comment1: string = source.nodes[0].comment
const comment2: string = source.nodes[1].comment
const gecos: string = source.nodes[0].overrides.user.gecos
const key: string = source.ssh.authorized_keys[0]

test('YAML outputs parse back to the exact values', async () => {
  const out = await renderFixture(inventory)
  const cc = load(readUserData(join(out, 'm1', 'cloud-init', 'user-data'))) as Record<string, any>
  assert.is(cc.users[0].gecos, gecos)
  assert.equal(cc.users[0].ssh_authorized_keys, [key])
  const ai = load(readFileSync(join(out, 'm1', 'autoinstall', 'user-data'), 'utf8')) as Record<string, any>
  assert.is(ai.autoinstall['user-data'].users[0].gecos, gecos)
  assert.equal(ai.autoinstall.ssh['authorized-keys'], [key])
})

test('bash parses the values back: the hosts block holds the comments verbatim, nothing got executed', async () => {
  const out = await renderFixture(inventory)
  const root = tempDir('meta-root')
  mkdirSync(join(root, 'etc'))
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n')
  // m2 (an agent) names the service node m1 and itself.
  const r = run('bash', [join(out, 'm2', 'provision.sh'), '--root', root, '--only', 'hosts'])
  assert.is(r.status, 0, r.stdout + r.stderr)
  const hosts = readFileSync(join(root, 'etc', 'hosts'), 'utf8')
  assert.ok(hosts.includes(`m1.meta.internal m1  # ${comment1}\n`), hosts)
  assert.ok(hosts.includes(`m2.meta.internal m2  # ${comment2}\n`), hosts)
  assert.not.ok(existsSync('/tmp/pwned'), 'a command substitution in a comment was executed')
})

test('the SSH key lands in authorized_keys verbatim (script text, checked by bash)', async () => {
  const out = await renderFixture(inventory)
  const script = readFileSync(join(out, 'm1', 'provision.sh'), 'utf8')
  // Extract the keys array line and let bash evaluate it: the value must come back unchanged.
  const line = script.split('\n').find((l) => l.trim().startsWith('local -a keys=('))!
  const r = run('bash', ['-c', `${line.trim().replace(/^local -a /, 'declare -a ')}; printf '%s' "\${keys[0]}"`])
  assert.is(r.stdout, key)
})

test.run()
