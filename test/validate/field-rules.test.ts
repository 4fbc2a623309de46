// The field-kind table: formats per kind, and the shell/YAML metacharacter policy across the fields of both inputs.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlText } from '../../src/load/load-yaml.js'
import type { PathSegment } from '../../src/diagnostics/diagnostic.js'
import { formatPath } from '../../src/diagnostics/diagnostic.js'
import { checkField, describeChar, FIELD_RULES, type FieldKind } from '../../src/validate/field-rules.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateInventory } from '../../src/validate/validate-inventory.js'
import { validateProfile } from '../../src/validate/validate-profile.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ROLES = new Set(readdirSync(join(ROOT, 'profiles')).map((f) => f.replace(/\.yaml$/, '')))
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r'
const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2)

function sshBlob(type: string, rest: number[]): string {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(type.length)
  return Buffer.concat([len, Buffer.from(type), Buffer.from(rest)]).toString('base64')
}

// kind -> [accepted values, rejected values with their code]
const formats: [FieldKind, string[], [string, string][]][] = [
  [
    'imageRef',
    [
      'postgres:16.3-alpine',
      'valkey/valkey:9.1.1-alpine',
      'quay.io/coreos/etcd:v3.4.15',
      'cr.backend.ai/stable/python:3.9-ubuntu20.04',
      'localhost:5000/a/b',
      `registry.example:5000/x/y:1@sha256:${HEX64}`,
      `x@sha256:${HEX64}`,
      'a__b/c---d.e',
      'Registry.Example/x',
    ],
    [
      ['Postgres:16', M.badImageRef(M.imageUppercase)],
      ['a//b', M.badImageRef(M.imageEmptyComponent)],
      ['a/', M.badImageRef(M.imageEmptyComponent)],
      ['a:', M.badImageRef(M.imageTag)],
      ['a:-x', M.badImageRef(M.imageTag)],
      [`a:${'t'.repeat(129)}`, M.badImageRef(M.imageTag)],
      ['a@sha256:abc', M.badImageRef(M.imageDigest)],
      [`a@md5:${HEX64}`, M.badImageRef(M.imageDigest)],
      ['quay.io:99999/x', M.badImageRef(M.imageRegistry)],
      ['-x.io/y', M.badImageRef(M.imageRegistry)],
      ['a/b_', M.badImageRef(M.imagePathComponent('b_'))],
      ['a/.b', M.badImageRef(M.imagePathComponent('.b'))],
      [`x/${'a'.repeat(254)}`, M.badImageRef(M.imageNameTooLong)],
    ].map(([v, m]) => [v, m] as [string, string]),
  ],
  [
    'sysctlKey',
    ['net.ipv4.tcp_rmem', 'fs.file-max', 'kernel.sched_rt_runtime_us', 'net.ipv4.conf.eno1.rp_filter'],
    [
      ['kernel..core_pattern', M.badSysctlKey],
      ['vm', M.badSysctlKey],
      ['Net.core.x', M.badSysctlKey],
      ['net..core', M.badSysctlKey],
      ['.net.core', M.badSysctlKey],
    ],
  ],
  [
    'sysctlValue',
    ['10000 65000', '-1', 'bbr', '4096 12582912 16777216', 'fq_codel'],
    [
      ['1  x', M.badSysctlValue],
      [' 1', M.badSysctlValue],
      ['a b', M.badSysctlValue],
    ],
  ],
  [
    'debPackage',
    ['docker-ce', 'containerd.io', 'g++', 'libc6', 'docker-ce=5:24.0.7-1~ubuntu.20.04~focal', 'nvidia-driver-535-server'],
    [
      ['a', M.badPackageName],
      ['Docker', M.badPackageName],
      ['-x', M.badPackageName],
      ['x=abc', M.badPackageName],
    ],
  ],
  ['serviceName', ['manager', 'storage-proxy', 'app-proxy', 'agent'], [['Storage', M.badServiceName], ['-x', M.badServiceName], ['a_b', M.badServiceName]]],
  ['pythonVersion', ['auto', '3.12.6', '3.13.7'], [['3.12', M.badPythonVersion], ['latest', M.badPythonVersion]]],
  ['pbsRelease', ['auto', '20240909'], [['2024090', M.badPbsRelease], ['20241301', M.badPbsRelease]]],
  ['sha256', [HEX64], [[HEX64.toUpperCase(), M.badSha256], [HEX64.slice(1), M.badSha256]]],
  ['absPath', ['/home/bai', '/', '/opt/x+y/', '/var/lib/docker'], [['home/bai', M.badAbsPath], ['/a//b', M.badAbsPath], ['/a/../b', M.badAbsPath], ['/a/./b', M.badAbsPath]]],
  ['homePath', ['/home/bai', '/srv/bai', '/data/bai/'], [['/', M.systemHome('/')], ['/etc', M.systemHome('/etc')], ['/home/', M.systemHome('/home')], ['/usr', M.systemHome('/usr')], ['/a/../b', M.badAbsPath]]],
  ['serviceUser', ['bai', 'backend', '_svc'], [['root', M.systemAccount('root')], ['daemon', M.systemAccount('daemon')], ['www-data', M.systemAccount('www-data')], ['systemd-foo', M.systemAccount('systemd-foo')], ['Bai', M.badUsername]]],
  ['username', ['bai', '_svc', 'a-b', 'a'.repeat(32)], [['Bai', M.badUsername], ['1bai', M.badUsername], ['a'.repeat(33), M.badUsername]]],
  ['limitDomain', ['*', 'bai', '@docker', '%admin', '1000:', ':2000', '1000:2000', '@1000:'], [['b@i', M.badLimitDomain], ['@', M.badLimitDomain]]],
  ['limitValue', ['unlimited', 'infinity', '-1', '512000'], [['lots', M.badLimitValue]]],
  ['mountOption', ['rw', 'nfsvers=4.1', '_netdev', 'x-systemd.automount', 'sec=krb5p'], [['=x', M.badMountOption], ['a=b=c', M.badMountOption]]],
  ['url', ['http://m.example/ubuntu', 'https://a.b:8443/x/y', 'http://10.0.0.1:3128', 'http://u:p@proxy.example:3128'], [['m.example', M.badUrl], ['ftp://x', M.badUrlScheme], ['http:/x', M.badUrl]]],
  ['registry', ['reg.example', 'reg.example:5000', '10.0.0.5:5000'], [['reg.example:0', M.badRegistry], ['reg:5000:1', M.badRegistry], ['Reg_x', M.badRegistry]]],
  ['noProxy', ['localhost', '.example.com', '10.0.0.0/8', '10.0.0.1'], [['.', M.badNoProxy], ['a..b', M.badNoProxy]]],
  [
    'sshKey',
    [KEY, `${KEY} user@host (work)`, `${KEY} o'brien "$(id)" \`x\` ; # {{y}} é`, `ecdsa-sha2-nistp256 ${sshBlob('ecdsa-sha2-nistp256', [0, 0, 0, 8, 110, 105, 115, 116, 112, 50, 53, 54])}`],
    [
      ['ssh-dss AAAAB3NzaC1kc3M=', M.sshKeyDsa],
      ['ssh-foo AAAA', M.sshKeyType('ssh-foo')],
      ['AAAAC3NzaC1lZDI1NTE5', M.sshKeyFormat],
      ['ssh-ed25519 AAAA', M.sshKeyData('ssh-ed25519')],
      [`ssh-ed25519 ${sshBlob('ssh-ed25519', [1, 2, 3])}`, M.sshKeyData('ssh-ed25519')],
      ['ssh-rsa AAA', M.sshKeyData('ssh-rsa')],
      [`from="10.0.0.1" ${KEY}`, M.sshKeyType('from="10.0.0.1"')],
      [` ${KEY}`, M.sshKeyFormat],
    ],
  ],
  [
    'cryptHash',
    [`$6$rounds=5000$salt$${'a'.repeat(86)}`, `$5$salt$${'b'.repeat(43)}`, `$y$j9T$F5Jx5fExrKuPp53xLKQ..1$${'X'.repeat(43)}`],
    [['$6$salt$short', M.badCryptHash], ['hunter2', M.badCryptHash], [`$2b$10$${'c'.repeat(53)}`, M.badCryptHash]],
  ],
  ['interface', ['eno1', 'enp3s0f0', 'eth0.100', 'bond0'], [['.eth0', M.badInterface], ['a'.repeat(16), M.badInterface]]],
  ['exportName', ['data', 'group_1', 'x-y'], [['Data', M.badExportName], ['_x', M.badExportName]]],
  ['timezone', ['UTC', 'Asia/Seoul', 'Etc/GMT+9', 'America/Argentina/Buenos_Aires'], [['Asia/', M.badTimezone], ['/UTC', M.badTimezone]]],
  ['locale', ['en_US.UTF-8', 'C.UTF-8', 'ko_KR.UTF-8', 'de_DE@euro'], [['english', M.badLocale], ['en_us.UTF-8', M.badLocale]]],
  ['size', ['100m', '1g', '512'], [['0', M.badSize], ['10mb', M.badSize]]],
  [
    'stepId',
    ['nvidia-driver', 'images', 'user', 'nvidia-check'],
    [['nvidia-drivers', M.unknownStep('nvidia-drivers', 'nvidia-driver')], ['nvidia_driver', M.unknownStep('nvidia_driver', 'nvidia-driver')], ['kernel', M.unknownStep('kernel', undefined)]],
  ],
  [
    'stepDuration',
    ['45m', '2h', '90s', '1h30m', '1s', '24h', '1440m', '0h1m'],
    [
      ['0m', M.durationNotPositive],
      ['0h0m0s', M.durationNotPositive],
      ['-5m', M.durationNotPositive],
      ['25h', M.durationTooLong('25h', '24h')],
      ['86401s', M.durationTooLong('86401s', '24h')],
      ['45', M.badDuration],
      ['1d', M.badDuration],
      ['30m1h', M.badDuration],
      ['45min', M.badDuration],
      ['', M.badDuration],
      ['--5m', M.badDuration],
    ],
  ],
  ['diskMatch', ['CT1000*', 'Samsung SSD 860', 'WD-?X'], [[' x', M.badDiskMatch]]],
  [
    'dmiSerial',
    ['7XJ2KQ3', 'CZJ1234ABC', 'SN A02/x', 'PF1+2:3', '0001'],
    [
      [' x', M.badSerial],
      ['x'.repeat(65), M.badSerial],
      ['To be filled by O.E.M.', M.placeholderSerial('To be filled by O.E.M.')],
      ['Default string', M.placeholderSerial('Default string')],
      ['0000000', M.placeholderSerial('0000000')],
      ['system serial number', M.placeholderSerial('system serial number')],
    ],
  ],
  ['host', ['nfs1', 'nfs1.example.internal', '10.0.0.5'], [['nfs_1', M.badHost]]],
]

for (const [kind, good, badValues] of formats) {
  test(`format: ${kind}`, () => {
    for (const v of good) assert.is(checkField(kind, v), undefined, `${kind} accepts ${JSON.stringify(v)}`)
    for (const [v, message] of badValues) {
      const p = checkField(kind, v)
      assert.ok(p, `${kind} rejects ${JSON.stringify(v)}`)
      assert.is(p!.message, message, `${kind}: ${JSON.stringify(v)}`)
      assert.is.not(p!.code, 'UNSAFE_CHARS', `${kind}: ${JSON.stringify(v)} is a format error`)
    }
  })
}

test('an SSH key comment is free text, but not a second line', () => {
  assert.equal(checkField('sshKey', `${KEY} a\nssh-ed25519 AAAA`), { code: 'UNSAFE_CHARS', message: M.controlChars('U+000A (line feed)', 'SSH key') })
  assert.equal(checkField('sshKey', `${KEY}\tx`), { code: 'UNSAFE_CHARS', message: M.controlChars('U+0009 (tab)', 'SSH key') })
})

test('describeChar', () => {
  assert.is(describeChar('$'), '"$"')
  assert.is(describeChar('"'), '"\\""')
  assert.is(describeChar('\n'), 'U+000A (line feed)')
  assert.is(describeChar('\0'), 'U+0000 (NUL)')
  assert.is(describeChar(' '), 'U+0020 (space)')
  assert.is(describeChar('é'), '"é" (U+00E9)')
  assert.is(describeChar('\u2028'), 'U+2028')
  assert.is(describeChar('\u0085'), 'U+0085')
})

test('weak hash is a warning, everything else an error', () => {
  assert.equal(checkField('cryptHash', '$1$abc$0123456789012345678901'), {
    code: 'WEAK_PASSWORD_HASH',
    message: M.weakCryptHash,
    severity: 'warning',
  })
  assert.is(checkField('hostname', 'a b')!.severity, undefined)
})

// --- the metacharacter table
const METACHARS = ['$(', '`', ';', "'", '"', '\n', '#', ': ', '{', '}', '[', 'é', '|', '&', '>', '<', '\\', ' ', '\0', '\t', '*', '!', '~', '=', '\u2028']

interface Field {
  name: string
  kind: FieldKind
  /** Punctuation the policy allows in this field besides letters, digits and "._-" (restated here, not imported). */
  extra: string
  /** Free text: only control characters (and, for gecos, ":" and ",") are refused. */
  text?: boolean
  path: PathSegment[]
  which?: 'key'
  value: string
}

const INVENTORY = `cluster:
  name: @clusterName
  domain: example.internal
  release: "24.09"
network: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1]}
storage:
  type: nfs
  server: 10.0.0.5
  exports:
    - name: @exportName
      path: /export/data
      options:
        - @exportOption
mirrors:
  apt: @url
ssh: {authorized_keys: ["${KEY}"]}
nodes:
  - hostname: @hostname
    ip: 10.0.0.10/24
    roles: [agent]
    serial: @dmiSerial
    comment: @comment
    interface: @interface
    disk:
      serial: @diskSerial
`
const INVENTORY_FIELDS: Field[] = [
  { name: 'clusterName', kind: 'clusterName', extra: '', path: ['cluster', 'name'], value: 'c1' },
  { name: 'exportName', kind: 'exportName', extra: '', path: ['storage', 'exports', 0, 'name'], value: 'data' },
  { name: 'exportOption', kind: 'mountOption', extra: '=:', path: ['storage', 'exports', 0, 'options', 0], value: 'rw' },
  { name: 'url', kind: 'url', extra: ':/%@+=~', path: ['mirrors', 'apt'], value: 'http://m.example/ubuntu' },
  { name: 'hostname', kind: 'hostname', extra: '', path: ['nodes', 0, 'hostname'], value: 'n1' },
  { name: 'comment', kind: 'text', extra: '', text: true, path: ['nodes', 0, 'comment'], value: 'rack 1' },
  { name: 'interface', kind: 'interface', extra: '', path: ['nodes', 0, 'interface'], value: 'eno1' },
  { name: 'diskSerial', kind: 'diskMatch', extra: ' :*?+', path: ['nodes', 0, 'disk', 'serial'], value: 'CT1000' },
  { name: 'dmiSerial', kind: 'dmiSerial', extra: ' /:+', path: ['nodes', 0, 'serial'], value: '7XJ2KQ3' },
]

const PROFILE = `description: @description
settings:
  user:
    name: @username
    home: @home
    gecos: @gecos
  packages:
    install:
      - @package
  services:
    venvs:
      - @service
  images:
    pull:
      - @image
  sysctl:
    values:
      @sysctlKey: 1
      vm.swappiness: @sysctlValue
  storage:
    nfs_options:
      - @nfsOption
  expected_durations:
    @stepId: 45m
    images: @stepDuration
`
const PROFILE_FIELDS: Field[] = [
  { name: 'description', kind: 'text', extra: '', text: true, path: ['description'], value: 'a role' },
  { name: 'username', kind: 'serviceUser', extra: '', path: ['settings', 'user', 'name'], value: 'bai' },
  { name: 'home', kind: 'homePath', extra: '/+', path: ['settings', 'user', 'home'], value: '/home/bai' },
  { name: 'gecos', kind: 'gecos', extra: '', text: true, path: ['settings', 'user', 'gecos'], value: 'Backend.AI' },
  { name: 'package', kind: 'debPackage', extra: '+=:~', path: ['settings', 'packages', 'install', 0], value: 'curl' },
  { name: 'service', kind: 'serviceName', extra: '', path: ['settings', 'services', 'venvs', 0], value: 'agent' },
  { name: 'image', kind: 'imageRef', extra: '/:@', path: ['settings', 'images', 'pull', 0], value: 'postgres:16' },
  { name: 'sysctlKey', kind: 'sysctlKey', extra: '', path: ['settings', 'sysctl', 'values', '@'], which: 'key', value: 'vm.dirty_ratio' },
  { name: 'sysctlValue', kind: 'sysctlValue', extra: ' ,:/+', path: ['settings', 'sysctl', 'values', 'vm.swappiness'], value: '10' },
  { name: 'nfsOption', kind: 'mountOption', extra: '=:', path: ['settings', 'storage', 'nfs_options', 0], value: 'rw' },
  { name: 'stepId', kind: 'stepId', extra: '', path: ['settings', 'expected_durations', '@'], which: 'key', value: 'nvidia-driver' },
  { name: 'stepDuration', kind: 'stepDuration', extra: '', path: ['settings', 'expected_durations', 'images'], value: '45m' },
]

const CONTROL = /[\p{Cc}\u2028\u2029]/u
const BASE_CHARS = /[A-Za-z0-9._-]/

/**
 * The diagnostic the policy expects for `value` in `field`: UNSAFE_CHARS with its message, 'format' when every
 * character is allowed (then only the kind's grammar decides), or none (free text).
 */
function expected(field: Field, value: string): { code: 'UNSAFE_CHARS'; message: string } | 'format' | undefined {
  const what = FIELD_RULES[field.kind].what
  for (const c of value) {
    if (CONTROL.test(c)) return { code: 'UNSAFE_CHARS', message: M.controlChars(describeChar(c), what) }
    if (field.text) {
      if (field.kind === 'gecos' && (c === ':' || c === ',')) return { code: 'UNSAFE_CHARS', message: M.unsafeChars(describeChar(c), what, M.gecosAllowed) }
      continue
    }
    if (!BASE_CHARS.test(c) && !field.extra.includes(c)) {
      const rule = FIELD_RULES[field.kind] as { charsText?: string }
      return { code: 'UNSAFE_CHARS', message: M.unsafeChars(describeChar(c), what, rule.charsText ?? '') }
    }
  }
  return field.text ? undefined : 'format'
}

function render(template: string, fields: Field[], target: Field, value: string): { text: string; line: number; col: number } {
  let text = template
  let line = 0
  let col = 0
  for (const f of fields) {
    const v = JSON.stringify(f === target ? value : f.value)
    const at = text.indexOf(`@${f.name}`)
    if (f === target) {
      const before = text.slice(0, at)
      line = before.split('\n').length
      col = at - before.lastIndexOf('\n')
    }
    text = text.slice(0, at) + v + text.slice(at + f.name.length + 1)
  }
  return { text, line, col }
}

for (const [input, template, fields] of [
  ['inventory', INVENTORY, INVENTORY_FIELDS],
  ['profile', PROFILE, PROFILE_FIELDS],
] as const) {
  test(`${input}: the template is clean`, () => {
    const { text } = render(template, fields, fields[0]!, fields[0]!.value)
    const { doc, diagnostics } = loadYamlText('t.yaml', text)
    assert.equal(diagnostics, [])
    assert.equal(input === 'inventory' ? validateInventory(doc!, ROLES) : validateProfile(doc!), [])
  })

  for (const field of fields) {
    test(`${input}: metacharacters in ${field.name}`, () => {
      for (const meta of METACHARS) {
        const value = `${field.value.slice(0, 1)}${meta}${field.value.slice(1)}`
        const { text, line, col } = render(template, fields, field, value)
        const { doc, diagnostics } = loadYamlText('t.yaml', text)
        assert.equal(diagnostics, [], `${field.name} ${JSON.stringify(meta)} loads`)
        const path = field.which === 'key' ? [...field.path.slice(0, -1), value] : field.path
        // The YAML quoting carried the value through unchanged.
        const parent = path.slice(0, -1).reduce((o: any, k) => o[k], doc!.value)
        if (field.which === 'key') assert.ok(Object.hasOwn(parent, value))
        else assert.is(parent[path[path.length - 1]!], value)

        const diags = (input === 'inventory' ? validateInventory(doc!, ROLES) : validateProfile(doc!)).filter(
          (d) => d.path === formatPath(path),
        )
        const want = expected(field, value)
        const label = `${field.name} with ${JSON.stringify(meta)}`
        if (want === undefined) assert.equal(diags, [], label)
        else if (want === 'format') {
          const p = checkField(field.kind, value)
          assert.equal(diags.map((d) => d.code), p ? [p.code] : [], label)
          assert.is.not(p?.code, 'UNSAFE_CHARS', label)
        } else {
          assert.equal(
            diags.map((d) => [d.code, d.message, d.line, d.col]),
            [[want.code, want.message, line, col]],
            label,
          )
        }
      }
    })
  }
}

test.run()
