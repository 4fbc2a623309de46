// The paths and names that several renderers and templates share are spelled once, in src/model/shared-names.ts:
// no template and no renderer or step repeats them.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '../helpers/repo.js'
import { SHARED_PATHS } from '../../src/model/shared-names.js'

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

const searched = [
  ...files(join(repoRoot, 'templates')),
  ...files(join(repoRoot, 'src', 'render')),
  ...files(join(repoRoot, 'src', 'plan')),
  ...files(join(repoRoot, 'src', 'pipeline')),
]

const literals = [
  ...Object.values(SHARED_PATHS),
  // the state folder's own name, the unit's and the script's base names, the Python layout, step functions
  'bai-seed-provision',
  'bai-seed.service',
  'var/lib/bai-seed',
  'var/cache/bai-seed',
  'var/log/bai-seed',
  '.static-python',
  '.pyenv',
  '/.venv',
  'step_',
  'status.json',
]

test('no template, renderer or step spells a shared path or name', () => {
  assert.ok(searched.length > 30, 'found the sources')
  const hits: string[] = []
  for (const file of searched) {
    const text = readFileSync(file, 'utf8')
    for (const literal of literals) {
      if (text.includes(literal)) hits.push(`${relative(repoRoot, file)}: ${literal}`)
    }
  }
  assert.equal(hits, [])
})

test('the shared names module is where they are', () => {
  const text = readFileSync(join(repoRoot, 'src', 'model', 'shared-names.ts'), 'utf8')
  for (const value of Object.values(SHARED_PATHS)) assert.ok(text.includes(`'${value}'`), value)
})

test.run()
