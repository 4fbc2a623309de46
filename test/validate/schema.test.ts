// The JSON Schemas themselves: the shipped files validate against them with a plain ajv (not our wrapper), they
// describe every field, their defaults agree with the base profile, and ajv errors land on exact YAML positions.
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { load } from 'js-yaml'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { inventoryFromDoc } from '../../src/load/inventory-from-doc.js'
import { loadYamlText } from '../../src/load/load-yaml.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateInventorySchema, validateProfileSchema } from '../../src/validate/schema-validator.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const readJson = (p: string) => JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as Record<string, any>
const inventorySchema = readJson('schemas/inventory.schema.json')
const profileSchema = readJson('schemas/profile.schema.json')
const profileFiles = readdirSync(join(ROOT, 'profiles')).filter((f) => f.endsWith('.yaml')).sort()

function plainAjv() {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true })
  ajv.addSchema(profileSchema, 'profile.schema.json')
  return ajv
}

test('examples/cluster.yaml validates against schemas/inventory.schema.json', () => {
  const validate = plainAjv().compile(inventorySchema)
  const value = load(readFileSync(join(ROOT, 'examples/cluster.yaml'), 'utf8'))
  assert.ok(validate(value), JSON.stringify(validate.errors))
})

test('every shipped profile validates against schemas/profile.schema.json', () => {
  assert.ok(profileFiles.length >= 6, 'profiles/ holds the shipped profiles')
  const validate = plainAjv().getSchema('profile.schema.json')!
  for (const f of profileFiles) {
    const value = load(readFileSync(join(ROOT, 'profiles', f), 'utf8'))
    assert.ok(validate(value), `${f}: ${JSON.stringify(validate.errors)}`)
  }
})

test('the schemas reject what they should (plain ajv)', () => {
  const ajv = plainAjv()
  const inv = ajv.compile(inventorySchema)
  const good = load(readFileSync(join(ROOT, 'examples/cluster.yaml'), 'utf8')) as Record<string, any>
  assert.not.ok(inv({ ...good, extra: 1 }), 'unknown top-level key')
  assert.not.ok(inv({ ...good, nodes: [{ ...good.nodes[0], overrides: { images: { 'enabled+': true } } }] }), 'enabled+')
  assert.not.ok(inv({ ...good, password: { env: 'A', file: 'b' } }), 'two password sources')
  assert.not.ok(inv({ ...good, password: {} }), 'no password source')
  assert.ok(inv({ ...good, nodes: [{ ...good.nodes[0], overrides: { images: { 'pull+': ['x'] } } }] }), 'pull+ is allowed')
})

test('the example files point their yaml-language-server at existing schemas', () => {
  const files = ['examples/cluster.yaml', ...profileFiles.map((f) => `profiles/${f}`)]
  for (const f of files) {
    const first = readFileSync(join(ROOT, f), 'utf8').split('\n')[0]!
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)
    assert.ok(m, `${f} starts with a $schema modeline`)
    const target = join(ROOT, dirname(f), m![1]!)
    assert.ok(existsSync(target), `${f}: ${m![1]} exists`)
    assert.is(target.endsWith(f.startsWith('examples') ? 'inventory.schema.json' : 'profile.schema.json'), true)
  }
})

type Schema = Record<string, any>

// Walks every property of a schema, following local and profile.schema.json refs, giving [path, schema].
function properties(root: Schema, prefix: string): [string, Schema][] {
  const out: [string, Schema][] = []
  // A schema and the document its local refs resolve in.
  const deref = (s: Schema, doc: Schema): [Schema, Schema] => {
    if (typeof s.$ref !== 'string') return [s, doc]
    const [file, pointer] = s.$ref.split('#') as [string, string]
    const target = file === '' ? doc : file === 'profile.schema.json' ? profileSchema : undefined
    assert.ok(target, `resolvable $ref ${s.$ref}`)
    return [pointer.split('/').filter(Boolean).reduce((o: any, k) => o[k], target), target!]
  }
  const walk = (raw: Schema, doc: Schema, path: string, depth: number) => {
    const [s, d] = deref(raw, doc)
    if (depth > 12) return
    for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      out.push([`${path}.${k}`, deref(sub, d)[0]])
      walk(sub, d, `${path}.${k}`, depth + 1)
    }
    if (s.items) walk(s.items, d, `${path}[]`, depth + 1)
  }
  walk(root, root, prefix, 0)
  return out
}

test('both schemas: draft-07, a title, no extra keys anywhere, a description on every field', () => {
  for (const [name, schema] of [['inventory', inventorySchema], ['profile', profileSchema]] as const) {
    assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#')
    assert.type(schema.title, 'string')
    assert.is(schema.additionalProperties, false)
    const props = properties(schema, name)
    assert.ok(props.length > 40, `${name} has its fields`)
    for (const [path, s] of props) {
      assert.type(s.description, 'string', `${path} has a description`)
      if (s.type === 'object' && !s.additionalProperties) assert.is(s.additionalProperties, false, `${path} is closed`)
      if (s.type === 'object' && s.additionalProperties !== false) assert.type(s.additionalProperties, 'object', `${path}`)
    }
  }
})

const base = load(readFileSync(join(ROOT, 'profiles/base.yaml'), 'utf8')) as { settings: Record<string, Record<string, unknown>> }

test('profile schema: sections and fields are those of the base profile, defaults equal its values', () => {
  const defs = profileSchema.definitions as Record<string, any>
  const sections = Object.keys(defs.settingsPatch.properties)
  assert.equal(sections, Object.keys(base.settings))
  for (const section of sections) {
    // A section that is one map (expected_durations: step id -> duration) has a default, the base profile's value.
    if (!defs[section].properties) {
      assert.equal(defs[section].default, base.settings[section], `${section} default`)
      continue
    }
    const props = defs[section].properties as Record<string, any>
    const fields = Object.keys(props).filter((k) => !k.endsWith('+'))
    assert.equal(fields, Object.keys(base.settings[section]!), `${section} fields`)
    for (const f of fields) {
      assert.equal(props[f].default, base.settings[section]![f], `${section}.${f} default`)
      // A "+" variant exists exactly for list fields.
      assert.is(Object.hasOwn(props, `${f}+`), props[f].type === 'array', `${section}.${f}+`)
    }
  }
})

test('inventoryFromDoc fills the schema defaults, and leaves overrides alone', () => {
  const text = [
    'cluster: {name: c, domain: d.internal, release: "24.09"}',
    'network: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1]}',
    'storage: {type: local}',
    'nodes:',
    '  - {hostname: n1, ip: 10.0.0.10/24, roles: [agent], overrides: {images: {pull+: [x]}}}',
  ].join('\n')
  const { doc } = loadYamlText('i.yaml', text)
  assert.equal(validateInventorySchema(doc!), [])
  const inv = inventoryFromDoc(doc!)
  assert.equal(inv.cluster, { name: 'c', domain: 'd.internal', release: '24.09', locale: 'en_US.UTF-8', keyboard: 'us', timezone: 'UTC' })
  assert.equal(inv.network.search, [])
  assert.equal(inv.mirrors, {})
  assert.equal(inv.ssh, { authorized_keys: [], allow_password: false })
  assert.equal(inv.nodes[0]!.overrides, { images: { 'pull+': ['x'] } })
  assert.is(inv.password, undefined)
  // The document itself is not modified.
  assert.is((doc!.value as any).mirrors, undefined)
})

// --- ajv errors on exact positions
const INV = [
  'cluster:', //                          1
  '  name: c1', //                        2
  '  domain: example.internal', //        3
  '  release: "24.09"', //                4
  'network:', //                          5
  '  subnet: 10.0.0.0/24', //             6
  '  gateway: 10.0.0.1', //               7
  '  dns: [10.0.0.1]', //                 8
  'storage:', //                          9
  '  type: local', //                     10
  'nodes:', //                            11
  '  - hostname: n1', //                  12
  '    ip: 10.0.0.10/24', //              13
  '    roles: [agent]', //                14
]
const withLines = (changes: Record<number, string>, extra: string[] = []) =>
  [...INV.map((l, i) => changes[i + 1] ?? l), ...extra].join('\n') + '\n'
const TOP_KEYS = ['cluster', 'network', 'storage', 'mirrors', 'offline', 'reporting', 'ssh', 'password', 'profiles', 'nodes']
const NODE_KEYS = ['hostname', 'ip', 'roles', 'mac', 'comment', 'disk', 'interface', 'overrides']

type Row = [string, string, number, number, string] // code, path, line, col, message
const schemaCases: [string, string, Row[]][] = [
  ['valid', withLines({}), []],
  [
    'misspelt node key',
    withLines({ 12: '  - hostnmae: n1' }),
    [
      ['SCHEMA_REQUIRED', 'nodes[0]', 12, 5, M.schemaRequired('hostname')],
      ['SCHEMA_UNKNOWN_KEY', 'nodes[0].hostnmae', 12, 5, M.schemaUnknownKey('hostnmae', 'hostname', NODE_KEYS)],
    ],
  ],
  [
    'unknown top-level key without a near match lists the keys',
    withLines({}, ['extras: 1']),
    [['SCHEMA_UNKNOWN_KEY', 'extras', 15, 1, M.schemaUnknownKey('extras', undefined, TOP_KEYS)]],
  ],
  ['missing key points at the parent key', withLines({ 4: '  locale: C.UTF-8' }), [['SCHEMA_REQUIRED', 'cluster', 1, 1, M.schemaRequired('release')]]],
  [
    'missing top-level section points at the root',
    withLines({ 9: '# no storage', 10: '#' }),
    [['SCHEMA_REQUIRED', '(root)', 1, 1, M.schemaRequired('storage')]],
  ],
  [
    'unquoted release line is a number: say how to quote it',
    withLines({ 4: '  release: 25.10' }),
    [['SCHEMA_TYPE', 'cluster.release', 4, 12, M.schemaTypeQuote('a string', 'the number 25.1', '25.10')]],
  ],
  ['list expected', withLines({ 14: '    roles: agent' }), [['SCHEMA_TYPE', 'nodes[0].roles', 14, 12, M.schemaType('a list', 'the string "agent"')]]],
  ['empty value', withLines({ 7: '  gateway:' }), [['SCHEMA_TYPE', 'network.gateway', 7, 3, M.schemaType('a string', 'nothing (an empty value)')]]],
  ['enum with suggestion', withLines({ 10: '  type: lcoal' }), [['SCHEMA_ENUM', 'storage.type', 10, 9, M.schemaEnum(['nfs', 'local'], 'lcoal', 'local')]]],
  ['empty roles', withLines({ 14: '    roles: []' }), [['SCHEMA_ITEMS', 'nodes[0].roles', 14, 12, M.schemaMinItems(1)]]],
  ['empty dns', withLines({ 8: '  dns: []' }), [['SCHEMA_ITEMS', 'network.dns', 8, 8, M.schemaMinItems(1)]]],
  [
    'two password sources',
    withLines({}, ['password:', '  env: PW', '  file: pw.txt']),
    [['SCHEMA_EXACTLY_ONE', 'password', 15, 1, M.schemaExactlyOne(['hash', 'env', 'file'])]],
  ],
  ['no password source', withLines({}, ['password: {}']), [['SCHEMA_EXACTLY_ONE', 'password', 15, 1, M.schemaExactlyOne(['hash', 'env', 'file'])]]],
  ['empty disk match', withLines({}, ['    disk: {}']), [['SCHEMA_EMPTY', 'nodes[0].disk', 15, 5, M.schemaEmpty]]],
  [
    'override: append to a non-list',
    withLines({}, ['    overrides:', '      images:', '        enabled+: true']),
    [['SCHEMA_UNKNOWN_KEY', 'nodes[0].overrides.images.enabled+', 17, 9, M.schemaUnknownAppendKey('enabled+')]],
  ],
  [
    'override: range and type',
    withLines({}, ['    overrides:', '      images: {parallel: 0}', '      user: {uid: "1100"}']),
    [
      ['SCHEMA_RANGE', 'nodes[0].overrides.images.parallel', 16, 26, M.schemaMinimum(1, 0)],
      ['SCHEMA_TYPE', 'nodes[0].overrides.user.uid', 17, 19, M.schemaType('a whole number', 'the string "1100"')],
    ],
  ],
  [
    'override: limits entry enum and missing field',
    withLines({}, ['    overrides:', '      limits:', '        entries:', '          - {domain: bai, type: sofft, item: nofile}']),
    [
      ['SCHEMA_REQUIRED', 'nodes[0].overrides.limits.entries[0]', 18, 13, M.schemaRequired('value')],
      ['SCHEMA_ENUM', 'nodes[0].overrides.limits.entries[0].type', 18, 33, M.schemaEnum(['soft', 'hard', '-'], 'sofft', 'soft')],
    ],
  ],
]

for (const [name, text, rows] of schemaCases) {
  test(`inventory schema: ${name}`, () => {
    const { doc, diagnostics } = loadYamlText('inv.yaml', text)
    assert.equal(diagnostics, [])
    const got = validateInventorySchema(doc!)
      .sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code))
      .map((d) => [d.code, d.path, d.line, d.col, d.message])
    assert.equal(got, rows)
  })
}

const profileCases: [string, string, Row[]][] = [
  ['valid', 'description: x\nextends: [base]\nsettings:\n  images:\n    pull+: [a]\n', []],
  [
    'misspelt section',
    'description: x\nsettings:\n  dokcer:\n    enabled: false\n',
    [
      [
        'SCHEMA_UNKNOWN_KEY',
        'settings.dokcer',
        3,
        3,
        M.schemaUnknownKey('dokcer', 'docker', ['user', 'limits', 'sysctl', 'hosts', 'storage', 'packages', 'docker', 'python', 'services', 'nvidia', 'images']),
      ],
    ],
  ],
  [
    'duplicate parent',
    'extends: [base, agent, base]\n',
    [['SCHEMA_DUPLICATE_ITEM', 'extends[2]', 1, 24, M.schemaDuplicateItem(0)]],
  ],
  [
    'sysctl value of the wrong type',
    'settings:\n  sysctl:\n    values:\n      vm.swappiness: [1]\n',
    [['SCHEMA_TYPE', 'settings.sysctl.values["vm.swappiness"]', 4, 22, M.schemaType('a string or a whole number', 'a list')]],
  ],
  [
    'python method enum',
    'settings:\n  python: {method: pyenvv}\n',
    [['SCHEMA_ENUM', 'settings.python.method', 2, 20, M.schemaEnum(['static', 'pyenv'], 'pyenvv', 'pyenv')]],
  ],
  [
    'nullable field with wrong type',
    'settings:\n  docker: {data_root: 5}\n',
    [['SCHEMA_TYPE', 'settings.docker.data_root', 2, 23, M.schemaTypeQuote('a string or null', 'the number 5', '5')]],
  ],
  ['a profile must be a mapping', '- a\n', [['SCHEMA_TYPE', '(root)', 1, 1, M.schemaType('a mapping', 'a list')]]],
]

for (const [name, text, rows] of profileCases) {
  test(`profile schema: ${name}`, () => {
    const { doc, diagnostics } = loadYamlText('p.yaml', text)
    assert.equal(diagnostics, [])
    const got = validateProfileSchema(doc!)
      .sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code))
      .map((d) => [d.code, d.path, d.line, d.col, d.message])
    assert.equal(got, rows)
  })
}

test.run()
