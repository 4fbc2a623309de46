// The starter inventory `bai-seed init` writes: valid YAML that validates clean, and so do its commented examples.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { starterInventory } from '../../src/init/starter-inventory.js'
import { inventoryFromDoc } from '../../src/load/inventory-from-doc.js'
import { loadYamlText } from '../../src/load/load-yaml.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateInventory } from '../../src/validate/validate-inventory.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ROLES = new Set(readdirSync(join(ROOT, 'profiles')).map((f) => f.replace(/\.yaml$/, '')))
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r me@laptop'

function check(text: string, env: Record<string, string> = {}) {
  const { doc, diagnostics } = loadYamlText('cluster.yaml', text)
  assert.equal(diagnostics, [])
  return { doc: doc!, diags: validateInventory(doc!, ROLES, { env }) }
}

test('with a key: validates clean, and the key arrives intact', () => {
  const { doc, diags } = check(starterInventory({ authorizedKeys: [KEY] }))
  assert.equal(diags, [])
  const inv = inventoryFromDoc(doc)
  assert.equal(inv.ssh.authorized_keys, [KEY])
  assert.equal(
    inv.nodes.map((n) => [n.hostname, n.roles]),
    [
      ['bai-m1', ['manager']],
      ['bai-a01', ['agent-gpu']],
    ],
  )
})

test('without a key: only the warning that nobody can log in', () => {
  const text = starterInventory()
  const { diags } = check(text)
  const sshLine = text.split('\n').indexOf('ssh:') + 1
  assert.equal(
    diags.map((d) => [d.code, d.severity, d.line, d.col, d.message]),
    [['NO_LOGIN', 'warning', sshLine, 1, M.noLogin]],
  )
})

test('the schema modeline is the first line when asked for', () => {
  const text = starterInventory({ schemaRef: '../node_modules/bai-seed/schemas/inventory.schema.json', authorizedKeys: [KEY] })
  assert.is(text.split('\n')[0], '# yaml-language-server: $schema=../node_modules/bai-seed/schemas/inventory.schema.json')
  assert.equal(check(text).diags, [])
  assert.not.match(starterInventory(), /yaml-language-server/)
})

test('key comments with YAML characters are quoted safely', () => {
  const odd = `${KEY.split(' me@')[0]} o"p: #x`
  const { doc } = check(starterInventory({ authorizedKeys: [odd] }))
  assert.equal((doc.value as any).ssh.authorized_keys, [odd])
})

test('the commented examples are valid once uncommented', () => {
  const uncomment = new Set(['# password:', '#   env: BAI_PASSWORD', '    # disk: {serial: "CT1000*"}   # install disk (default: the largest)', '    # interface: eno1'])
  const lines = starterInventory({ authorizedKeys: [KEY] })
    .split('\n')
    .map((l) => (uncomment.has(l) || /^ {4}# ( {2})*(overrides|images|pull\+):/.test(l) ? l.replace('# ', '') : l))
  const text = lines.join('\n')
  const { doc, diags } = check(text, { BAI_PASSWORD: 'x' })
  assert.equal(diags, [])
  const inv = inventoryFromDoc(doc)
  assert.equal(inv.password, { env: 'BAI_PASSWORD' })
  assert.equal(inv.nodes[1]!.disk, { serial: 'CT1000*' })
  assert.is(inv.nodes[1]!.interface, 'eno1')
  assert.equal(inv.nodes[1]!.overrides, { images: { 'pull+': ['cr.backend.ai/stable/python:3.9-ubuntu20.04'] } })
})

test('it explains itself: a comment on most fields', () => {
  const text = starterInventory()
  const comments = text.split('\n').filter((l) => l.includes('#')).length
  assert.ok(comments >= 20, `${comments} commented lines`)
})

test.run()
