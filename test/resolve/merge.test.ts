// Profile merge rules and extends resolution, table-driven.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { mergeInto, type Tree } from '../../src/resolve/merge.js'
import { loadProfileSet } from '../../src/resolve/profile-set.js'
import { linearize, resolveProfile } from '../../src/resolve/resolve-node.js'
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js'
import { tempDir } from '../helpers/repo.js'

const origin = (source: string) => (path: string[]) => ({ file: `${source}.yaml`, path, source })

const mergeCases: { name: string; base: Tree; patch: Tree; expected: Tree }[] = [
  { name: 'maps merge deeply', base: { a: { x: 1, y: 2 } }, patch: { a: { y: 3, z: 4 } }, expected: { a: { x: 1, y: 3, z: 4 } } },
  { name: 'lists replace', base: { l: [1, 2] }, patch: { l: [3] }, expected: { l: [3] } },
  { name: 'key+ appends', base: { l: [1, 2] }, patch: { 'l+': [3] }, expected: { l: [1, 2, 3] } },
  { name: 'key+ on a missing list starts one', base: {}, patch: { 'l+': ['x'] }, expected: { l: ['x'] } },
  { name: 'scalars replace', base: { s: 'a', n: 1 }, patch: { s: 'b' }, expected: { s: 'b', n: 1 } },
  { name: 'a map replaces a scalar', base: { v: null }, patch: { v: { k: 1 } }, expected: { v: { k: 1 } } },
  { name: 'nested append', base: { images: { pull: ['a'], parallel: 2 } }, patch: { images: { 'pull+': ['b'] } }, expected: { images: { pull: ['a', 'b'], parallel: 2 } } },
]

for (const c of mergeCases) {
  test(`merge: ${c.name}`, () => {
    const base = structuredClone(c.base)
    mergeInto(base, c.patch, { origins: new Map() }, origin('p'))
    assert.equal(base, c.expected)
  })
}

test('merge records where each value came from', () => {
  const trace = { origins: new Map() }
  const base: Tree = {}
  mergeInto(base, { user: { uid: 1100, name: 'bai' }, images: { pull: ['a'] } }, trace, origin('base'))
  mergeInto(base, { user: { uid: 2000 }, images: { 'pull+': ['b'] } }, trace, origin('site'))
  assert.is(trace.origins.get('user.uid')?.source, 'site')
  assert.is(trace.origins.get('user.name')?.source, 'base')
  assert.is(trace.origins.get('images.pull')?.source, 'site')
  assert.equal(trace.origins.get('images.pull')?.path, ['images', 'pull+'])
})

function profileDir(files: Record<string, string>): string {
  const dir = tempDir('profiles')
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.yaml`), text)
  return dir
}

test('extends: a diamond applies the shared ancestor once, parents before children', () => {
  const dir = profileDir({
    root: 'settings:\n  images:\n    pull: [r]\n',
    left: 'extends: [root]\nsettings:\n  images:\n    pull+: [l]\n',
    right: 'extends: [root]\nsettings:\n  images:\n    pull+: [rt]\n',
    both: 'extends: [left, right]\n',
  })
  const diagnostics: Diagnostic[] = []
  const set = loadProfileSet([dir], diagnostics)
  const resolved = resolveProfile(set, 'both', diagnostics)!
  assert.equal(diagnostics, [])
  assert.equal(resolved.chain.map((p) => p.name), ['root', 'left', 'right', 'both'])
  assert.equal((resolved.settings.images as Tree).pull, ['r', 'l', 'rt'])
})

test('extends: cycles and unknown parents are errors naming the profiles', () => {
  const dir = profileDir({
    a: 'extends: [b]\n',
    b: 'extends: [c]\n',
    c: 'extends: [a]\n',
    d: 'extends: [nope]\n',
  })
  const diagnostics: Diagnostic[] = []
  const set = loadProfileSet([dir], diagnostics)
  const doc = set.byName.get('a')![0]!.doc
  linearize(set, ['a', 'd'], { doc, path: ['roles'] }, diagnostics)
  const codes = diagnostics.map((d) => d.code).sort()
  assert.equal(codes, ['PROFILE_CYCLE', 'UNKNOWN_PROFILE'])
  assert.match(diagnostics.find((d) => d.code === 'PROFILE_CYCLE')!.message, /a -> b -> c -> a/)
  assert.match(diagnostics.find((d) => d.code === 'UNKNOWN_PROFILE')!.message, /"nope"/)
  assert.ok(diagnostics.find((d) => d.code === 'UNKNOWN_PROFILE')!.file.endsWith('d.yaml'))
})

test('a user profile overrides a shipped one of the same name and can extend it by its own name', () => {
  const shipped = profileDir({ base: 'settings:\n  user:\n    uid: 1100\n    name: bai\n' })
  const site = profileDir({ base: 'extends: [base]\nsettings:\n  user:\n    uid: 1200\n' })
  const diagnostics: Diagnostic[] = []
  const set = loadProfileSet([shipped, site], diagnostics)
  const resolved = resolveProfile(set, 'base', diagnostics)!
  assert.equal(diagnostics, [])
  assert.equal(resolved.settings.user, { uid: 1200, name: 'bai' })
  assert.equal(resolved.chain.map((p) => p.layer), [0, 1])
})

test.run()
