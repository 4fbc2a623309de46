// The OS target registry is the one list of targets: the inventory schema's `os` enums (cluster and node) and the
// README's default name exactly its ids, and every target's facts are complete.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/repo.js'
import { DEFAULT_TARGET, OS_TARGETS, TARGET_IDS } from '../../src/targets/os-targets.js'

const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'inventory.schema.json'), 'utf8'))

test('the schema\'s os enums are the registry\'s ids, in order', () => {
  const cluster = schema.properties.cluster.properties.os
  const node = schema.properties.nodes.items.properties.os
  assert.equal(cluster.enum, [...TARGET_IDS])
  assert.equal(node.enum, [...TARGET_IDS])
  assert.ok(cluster.description.includes(`${DEFAULT_TARGET} when left out`), cluster.description)
})

test('every id has its entry, under its own id', () => {
  assert.equal(Object.keys(OS_TARGETS), [...TARGET_IDS])
  for (const id of TARGET_IDS) assert.is(OS_TARGETS[id].id, id)
})

test('targets differ where the installer does: their ISOs and apt sources files are their own', () => {
  const isos = TARGET_IDS.map((id) => OS_TARGETS[id].media.isoName)
  assert.is(new Set(isos).size, isos.length)
  for (const id of TARGET_IDS) assert.match(OS_TARGETS[id].apt.sourcesFile, /^\/etc\/apt\/sources\.list(\.d\/[a-z]+\.sources)?$/)
})

test.run()
