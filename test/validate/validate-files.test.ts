import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatDiagnostics } from '../../src/validate/diagnostic.js'
import { M } from '../../src/validate/messages.js'
import { sourceLines, validateInventoryFile, validateProfileFile } from '../../src/validate/validate-files.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ROLES = new Set(['manager', 'agent-gpu', 'agent'])
const dir = mkdtempSync(join(tmpdir(), 'bai-seed-files-'))

test('the example inventory: no diagnostics, the value with defaults', () => {
  const r = validateInventoryFile(join(ROOT, 'examples/cluster.yaml'), ROLES)
  assert.equal(r.diagnostics, [])
  assert.is(r.inventory!.cluster.name, 'bai-example')
  assert.equal(r.inventory!.mirrors, {})
})

test('load and validation problems come together; no value when there is an error', () => {
  const file = join(dir, 'c.yaml')
  writeFileSync(file, 'cluster: {name: c, name: d}\n')
  const r = validateInventoryFile(file, ROLES)
  assert.is(r.inventory, undefined)
  assert.ok(r.doc)
  assert.equal(
    r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.path} ${d.message}`),
    [
      `1:1 NO_LOGIN (root) ${M.noLogin}`,
      `1:1 SCHEMA_REQUIRED (root) ${M.schemaRequired('network')}`,
      `1:1 SCHEMA_REQUIRED (root) ${M.schemaRequired('storage')}`,
      `1:1 SCHEMA_REQUIRED (root) ${M.schemaRequired('nodes')}`,
      `1:1 SCHEMA_REQUIRED cluster ${M.schemaRequired('domain')}`,
      `1:1 SCHEMA_REQUIRED cluster ${M.schemaRequired('release')}`,
      `1:20 YAML_DUPLICATE_KEY cluster.name ${M.yamlDuplicateKey('name', 1, 11)}`,
    ],
  )
  // The human report: one line per problem, then the source line and a caret.
  const text = formatDiagnostics(r.diagnostics, sourceLines([r.doc!]))
  assert.match(text, `${file}:1:20: error[YAML_DUPLICATE_KEY] cluster.name: ${M.yamlDuplicateKey('name', 1, 11)}\n 1 | cluster: {name: c, name: d}\n   |                    ^`)
})

test('syntax errors: no document', () => {
  const file = join(dir, 'p.yaml')
  writeFileSync(file, 'description: a: b\n')
  const r = validateProfileFile(file)
  assert.is(r.doc, undefined)
  assert.equal(r.diagnostics.map((d) => [d.code, d.line, d.col]), [['YAML_SYNTAX', 1, 15]])
  assert.equal(validateProfileFile(join(ROOT, 'profiles/base.yaml')).diagnostics, [])
})

test.run()
