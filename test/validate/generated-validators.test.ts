// The validators generated at build time (dist/generated/schema-validators.cjs) are what the CLI uses, and they
// report exactly what ajv compiling the schemas at run time reports.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fixtures, repoRoot } from '../helpers/repo.js'
import { load as loadYaml } from 'js-yaml'
import {
  GENERATED_VALIDATORS,
  compileValidator,
  generatedValidator,
  schemaDigest,
} from '../../src/validate/schema-compiler.js'
import { INVENTORY_SCHEMA_FILE, PROFILE_SCHEMA_FILE } from '../../src/model/schema-files.js'

const require = createRequire(import.meta.url)

test('the build wrote validators for the current schema files', () => {
  assert.ok(existsSync(GENERATED_VALIDATORS), `${GENERATED_VALIDATORS}: run npm run build`)
  const generated = require(GENERATED_VALIDATORS) as { schemaDigest: string }
  assert.is(generated.schemaDigest, schemaDigest())
  assert.type(generatedValidator(INVENTORY_SCHEMA_FILE), 'function')
  assert.type(generatedValidator(PROFILE_SCHEMA_FILE), 'function')
})

function errorsOf(fn: ((data: unknown) => boolean) & { errors?: unknown }, data: unknown): unknown {
  fn(data)
  return JSON.parse(JSON.stringify(fn.errors ?? null))
}

test('generated and run-time compiled validators give the same errors', () => {
  const inventories = ['inventory-many-errors.yaml', 'metachar.yaml', 'single-node.yaml'].map((f) => loadYaml(readFileSync(join(fixtures, f), 'utf8')))
  inventories.push(loadYaml(readFileSync(join(repoRoot, 'examples', 'cluster.yaml'), 'utf8')), { nodes: 'x', extra: 1 }, null)
  let withErrors = 0
  for (const data of inventories) {
    const want = errorsOf(compileValidator(INVENTORY_SCHEMA_FILE), data)
    assert.equal(errorsOf(generatedValidator(INVENTORY_SCHEMA_FILE)!, data), want)
    if (want) withErrors++
  }
  assert.ok(withErrors >= 2, 'some inputs have errors')
  for (const name of ['base', 'agent-gpu', 'manager']) {
    const profile = loadYaml(readFileSync(join(repoRoot, 'profiles', `${name}.yaml`), 'utf8'))
    assert.equal(errorsOf(generatedValidator(PROFILE_SCHEMA_FILE)!, profile), errorsOf(compileValidator(PROFILE_SCHEMA_FILE), profile))
  }
  const bad = { name: 1, settings: { nosuch: true } }
  const want = errorsOf(compileValidator(PROFILE_SCHEMA_FILE), bad)
  assert.ok(want, 'the bad profile has errors')
  assert.equal(errorsOf(generatedValidator(PROFILE_SCHEMA_FILE)!, bad), want)
})

test.run()
