import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlFile, loadYamlText } from '../../src/load/load-yaml.js'
import { M } from '../../src/diagnostics/messages.js'

const DOC = [
  'a: 1', //                      1
  'b:', //                        2
  '  c: "quoted"', //             3
  '  d: |', //                    4
  '    block', //                 5
  '  e:', //                      6
  '  - plain', //                 7
  '  - [x, {k: v}]', //           8
  '  f:', //                      9
  "  g: 'single'", //             10
  '  h: !!str 12', //             11
  '  "odd key": 2', //            12
  '  i: é', //                    13
  '  j: ok', //                   14
].join('\n')

const positions: [string, (string | number)[], 'key' | 'value', number, number][] = [
  ['root', [], 'value', 1, 1],
  ['plain value', ['a'], 'value', 1, 4],
  ['plain key', ['a'], 'key', 1, 1],
  ['block mapping value starts at its first key', ['b'], 'value', 3, 3],
  ['key of a mapping', ['b'], 'key', 2, 1],
  ['double-quoted value at its quote', ['b', 'c'], 'value', 3, 6],
  ['block scalar at its indicator', ['b', 'd'], 'value', 4, 6],
  ['block sequence at its dash', ['b', 'e'], 'value', 7, 3],
  ['sequence item', ['b', 'e', 0], 'value', 7, 5],
  ['sequence item has no key: same position', ['b', 'e', 0], 'key', 7, 5],
  ['flow sequence', ['b', 'e', 1], 'value', 8, 5],
  ['flow item', ['b', 'e', 1, 0], 'value', 8, 6],
  ['flow mapping key', ['b', 'e', 1, 1, 'k'], 'key', 8, 10],
  ['flow mapping value', ['b', 'e', 1, 1, 'k'], 'value', 8, 13],
  ['empty value falls back to its key', ['b', 'f'], 'value', 9, 3],
  ['single-quoted value at its quote', ['b', 'g'], 'value', 10, 6],
  ['tagged value at its tag', ['b', 'h'], 'value', 11, 6],
  ['quoted key', ['b', 'odd key'], 'key', 12, 3],
  ['missing key: the nearest parent key', ['b', 'zz', 3], 'value', 2, 1],
  ['missing top-level key: the root', ['nope'], 'value', 1, 1],
  ['missing item: the sequence key', ['b', 'e', 5], 'value', 6, 3],
  ['columns count characters after non-ASCII text', ['b', 'j'], 'value', 14, 6],
]

for (const [name, path, which, line, col] of positions) {
  test(`locate: ${name}`, () => {
    const { doc, diagnostics } = loadYamlText('t.yaml', DOC)
    assert.equal(diagnostics, [])
    assert.equal(doc!.locate(path, which), { line, col }, JSON.stringify(path))
  })
}

test('value is the parsed document', () => {
  const { doc } = loadYamlText('t.yaml', DOC)
  const v = doc!.value as Record<string, Record<string, unknown>>
  assert.equal(v.a, 1)
  assert.equal(v.b!.c, 'quoted')
  assert.equal(v.b!.d, 'block\n')
  assert.equal(v.b!.e, ['plain', ['x', { k: 'v' }]])
  assert.equal(v.b!.f, null)
  assert.equal(v.b!.h, '12')
})

test('raw gives the scalar as written, and has() tells existing paths', () => {
  const { doc } = loadYamlText('t.yaml', 'r: 25.10\nq: "x"\nn:\n')
  assert.is(doc!.raw(['r']), '25.10')
  assert.is(doc!.raw(['q']), '"x"')
  assert.is(doc!.raw(['n']), undefined)
  assert.is(doc!.raw([]), undefined)
  assert.ok(doc!.has(['n']))
  assert.not.ok(doc!.has(['m']))
  assert.is(doc!.lineText(2), 'q: "x"')
})

test('CRLF line endings and a byte-order mark do not shift columns', () => {
  const { doc, diagnostics } = loadYamlText('t.yaml', '\ufeffa: 1\r\nb: two\r\n')
  assert.equal(diagnostics, [])
  assert.equal(doc!.locate(['b']), { line: 2, col: 4 })
  assert.equal(doc!.locate(['a']), { line: 1, col: 4 })
  assert.is(doc!.lineText(2), 'b: two')
})

interface LoadCase {
  name: string
  text: string
  expect: [string, number, number, string, string][] // code, line, col, path, message
  parsed: boolean
}

const errors: LoadCase[] = [
  {
    name: 'tab in indentation',
    text: 'a:\n\tb: 1\n',
    expect: [['YAML_SYNTAX', 2, 1, '(root)', M.yamlTab]],
    parsed: false,
  },
  {
    name: 'unclosed flow sequence',
    text: 'a: [1, 2\nb: 3\n',
    expect: [['YAML_SYNTAX', 1, 4, '(root)', M.yamlUnclosed('[', ']')]],
    parsed: false,
  },
  {
    name: 'colon-space inside a plain scalar',
    text: 'a:\n  description: one: two\n',
    expect: [['YAML_SYNTAX', 2, 19, '(root)', M.yamlSyntax('bad indentation of a mapping entry')]],
    parsed: false,
  },
  {
    name: 'unknown tag',
    text: 'a: 1\nb: !!binary eA==\n',
    expect: [['YAML_SYNTAX', 2, 4, '(root)', M.yamlSyntax('unknown scalar tag !<tag:yaml.org,2002:binary>')]],
    parsed: false,
  },
  {
    name: 'duplicate keys, every one reported at the later key',
    text: 'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n',
    expect: [
      ['YAML_DUPLICATE_KEY', 4, 3, 'b.c', M.yamlDuplicateKey('c', 3, 3)],
      ['YAML_DUPLICATE_KEY', 5, 1, 'a', M.yamlDuplicateKey('a', 1, 1)],
    ],
    parsed: true,
  },
  {
    name: 'duplicate key in a flow mapping',
    text: 'n: {x: 1, y: 2, x: 3}\n',
    expect: [['YAML_DUPLICATE_KEY', 1, 17, 'n.x', M.yamlDuplicateKey('x', 1, 5)]],
    parsed: true,
  },
  {
    name: 'anchor, alias and merge key',
    text: 'base: &b {x: 1}\nother:\n  <<: *b\n  y: *b\n',
    expect: [
      ['YAML_ALIAS', 1, 7, 'base', M.yamlAnchor],
      ['YAML_MERGE_KEY', 3, 3, 'other["<<"]', M.yamlMergeKey],
      ['YAML_ALIAS', 3, 7, 'other["<<"]', M.yamlAlias],
      ['YAML_ALIAS', 4, 6, 'other.y', M.yamlAlias],
    ],
    parsed: true,
  },
  {
    name: 'second document',
    text: '# c\na: 1\n---\nb: 2\n',
    expect: [['YAML_MULTI_DOC', 3, 1, '(root)', M.yamlMultiDoc]],
    parsed: true,
  },
  {
    name: 'explicit first document start is fine, the second is not',
    text: '---\na: 1\n...\n---\nb: 2\n',
    expect: [['YAML_MULTI_DOC', 4, 1, '(root)', M.yamlMultiDoc]],
    parsed: true,
  },
  {
    name: 'complex key',
    text: 'a: 1\n? [x, y]\n: 2\n',
    expect: [['YAML_COMPLEX_KEY', 2, 3, '(root)', M.yamlComplexKey]],
    parsed: false,
  },
]

for (const c of errors) {
  test(`load error: ${c.name}`, () => {
    const { doc, diagnostics } = loadYamlText('e.yaml', c.text)
    assert.equal(
      diagnostics.map((d) => [d.code, d.line, d.col, d.path, d.message]),
      c.expect,
    )
    for (const d of diagnostics) {
      assert.is(d.file, 'e.yaml')
      assert.is(d.severity, 'error')
    }
    assert.is(doc !== undefined, c.parsed)
  })
}

test('an empty file loads as null', () => {
  const { doc, diagnostics } = loadYamlText('e.yaml', '# nothing\n')
  assert.equal(diagnostics, [])
  assert.is(doc!.value, null)
  assert.equal(doc!.locate(['a']), { line: 1, col: 1 })
})

test('loadYamlFile reads the file, and reports a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bai-seed-load-'))
  const file = join(dir, 'x.yaml')
  writeFileSync(file, 'k: v\n')
  const ok = loadYamlFile(file)
  assert.equal(ok.diagnostics, [])
  assert.equal(ok.doc!.value, { k: 'v' })
  assert.is(ok.doc!.file, file)
  const missing = loadYamlFile(join(dir, 'nope.yaml'))
  assert.is(missing.doc, undefined)
  assert.equal(
    missing.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
    [['FILE_READ', 1, 1, M.fileNotFound]],
  )
})

test.run()
