// Slips that are well-formed values but wrong (issue 22): a storage server that is no node, a time zone
// abbreviation, a private key among the public ones, a system folder as export or home, a MAC no card has, password
// files and plaintexts nobody can type. One small inventory per slip, with the exact code, path, line, column and
// message through the diagnostics every other check uses; then the did-you-mean of flags, --node and profile names
// through the real CLI.
import { chmodSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlText } from '../../src/load/load-yaml.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateInventory, type InventoryCheckOptions } from '../../src/validate/validate-inventory.js'
import { checkField } from '../../src/validate/field-rules.js'
import { plaintextProblem, readPlaintext, PasswordSourceError } from '../../src/plan/password.js'
import { someOf } from '../../src/validate/did-you-mean.js'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const ROLES = new Set(['agent', 'agent-gpu', 'base', 'manager', 'single-node', 'storage'])
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r'

const BASE = [
  'cluster:', //                          1
  '  name: c1', //                        2
  '  domain: lab.internal', //            3
  '  release: "24.09"', //                4
  '  timezone: UTC', //                   5
  'network: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1]}', // 6
  'storage:', //                          7
  '  type: nfs', //                       8
  '  server: lab1-st1', //                9
  '  exports:', //                        10
  '    - {name: data, path: /export/data}', // 11
  'ssh:', //                              12
  '  authorized_keys:', //                13
  `    - ${KEY}`, //                      14
  'nodes:', //                            15
  '  - hostname: lab1-st1', //            16
  '    ip: 10.0.0.10/24', //              17
  '    roles: [storage]', //              18
  '  - hostname: lab1-a01', //            19
  '    ip: 10.0.0.11/24', //              20
  '    roles: [agent]', //                21
]
const inv = (changes: Record<number, string> = {}, extra: string[] = []) =>
  [...BASE.map((l, i) => changes[i + 1] ?? l), ...extra].join('\n') + '\n'

type Row = [string, string, number, number, string, ('error' | 'warning')?]
interface Case {
  name: string
  text: string
  expect: Row[]
  opts?: InventoryCheckOptions
}

const OPTS: InventoryCheckOptions = { env: {}, fileExists: () => true, fileMode: () => 0o600 }

const cases: Case[] = [
  { name: 'valid', text: inv(), expect: [] },
  // storage.server
  {
    name: 'storage.server: a typo of a node name',
    text: inv({ 9: '  server: lab1-st2' }),
    expect: [['STORAGE_SERVER_UNKNOWN', 'storage.server', 9, 11, M.storageServerUnknown('lab1-st2', 'lab1-st1')]],
  },
  {
    name: "storage.server: a full name in the cluster's domain that is no node",
    text: inv({ 9: '  server: lab1-st2.lab.internal' }),
    expect: [['STORAGE_SERVER_UNKNOWN', 'storage.server', 9, 11, M.storageServerUnknown('lab1-st2.lab.internal', 'lab1-st1.lab.internal')]],
  },
  {
    name: 'storage.server: nothing close',
    text: inv({ 9: '  server: filer' }),
    expect: [['STORAGE_SERVER_UNKNOWN', 'storage.server', 9, 11, M.storageServerUnknown('filer', undefined)]],
  },
  { name: 'storage.server: a node by its full name', text: inv({ 9: '  server: lab1-st1.lab.internal' }), expect: [] },
  { name: 'storage.server: an address outside the inventory', text: inv({ 9: '  server: 10.0.0.5' }), expect: [] },
  { name: 'storage.server: a DNS name outside the cluster domain', text: inv({ 9: '  server: nas1.corp.example' }), expect: [] },
  // time zones
  {
    name: 'timezone KST',
    text: inv({ 5: '  timezone: KST' }),
    expect: [['UNKNOWN_TIMEZONE', 'cluster.timezone', 5, 13, M.timezoneAlias('KST', ['Asia/Seoul'])]],
  },
  {
    name: 'timezone CST names both zones it may mean',
    text: inv({ 5: '  timezone: CST' }),
    expect: [['UNKNOWN_TIMEZONE', 'cluster.timezone', 5, 13, M.timezoneAlias('CST', ['America/Chicago', 'Asia/Shanghai'])]],
  },
  {
    name: 'timezone UTC+9 (POSIX sign)',
    text: inv({ 5: '  timezone: UTC+9' }),
    expect: [['UNKNOWN_TIMEZONE', 'cluster.timezone', 5, 13, M.timezoneAlias('UTC+9', ['Etc/GMT-9'])]],
  },
  {
    name: 'timezone: a city without its area',
    text: inv({ 5: '  timezone: Seoul' }),
    expect: [['UNKNOWN_TIMEZONE', 'cluster.timezone', 5, 13, M.timezoneAlias('Seoul', ['Asia/Seoul'])]],
  },
  {
    name: 'timezone: a misspelt name still gets the closest',
    text: inv({ 5: '  timezone: Asia/Seol' }),
    expect: [['UNKNOWN_TIMEZONE', 'cluster.timezone', 5, 13, M.unknownTimezone('Asia/Seol', 'Asia/Seoul')]],
  },
  { name: 'timezone EST is a tzdata zone', text: inv({ 5: '  timezone: EST' }), expect: [] },
  // authorized_keys
  {
    name: 'a private key pasted into authorized_keys',
    text: inv({}, []).replace(
      `    - ${KEY}\n`,
      `    - ${KEY}\n    - |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n      b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n      -----END OPENSSH PRIVATE KEY-----\n`,
    ),
    expect: [['BAD_SSH_KEY', 'ssh.authorized_keys[1]', 15, 7, M.sshKeyPrivate]],
  },
  // NFS exports
  ...(
    [
      ['/', '/', false],
      ['/etc', '/etc', false],
      ['/home', '/home', false],
      ['/var/lib', '/var/lib', false],
      ['/usr/local/share', '/usr', true],
      ['/etc/ssh', '/etc', true],
      ['/boot/efi', '/boot', true],
      ['/var/lib/docker/volumes', '/var/lib/docker', true],
    ] as const
  ).map(([path, system, inside]): Case => ({
    name: `NFS export of ${path}`,
    text: inv({ 11: `    - {name: data, path: ${path}}` }),
    expect: [['SYSTEM_EXPORT', 'storage.exports[0].path', 11, 26, inside ? M.systemExportUnder(path, system) : M.systemExport(system)]],
  })),
  { name: 'NFS export under /srv', text: inv({ 11: '    - {name: data, path: /srv/nfs/data}' }), expect: [] },
  // user.home (a node override shares the profile rules)
  ...(
    [
      ['/etc/ssh', '/etc', true],
      ['/var/lib', '/var/lib', false],
      ['/usr/local', '/usr', true],
      ['/boot/efi', '/boot', true],
      ['/root', '/root', false],
    ] as const
  ).map(([home, system, inside]): Case => ({
    name: `user.home ${home}`,
    text: inv({}, ['    overrides:', `      user: {home: ${home}}`]),
    expect: [['BAD_HOME', 'nodes[1].overrides.user.home', 23, 20, inside ? M.systemHomeUnder(home, system) : M.systemHome(system)]],
  })),
  { name: 'user.home /srv/bai', text: inv({}, ['    overrides:', '      user: {home: /srv/bai}']), expect: [] },
  { name: 'user.home /var/lib/bai', text: inv({}, ['    overrides:', '      user: {home: /var/lib/bai}']), expect: [] },
  // MACs
  ...(
    [
      ['00:00:00:00:00:00', M.macZero],
      ['ff:ff:ff:ff:ff:ff', M.macBroadcast],
      ['FF:FF:FF:FF:FF:FF', M.macBroadcast],
      ['01:00:5e:00:00:fb', M.macMulticast],
      ['33:33:00:00:00:01', M.macMulticast],
    ] as const
  ).map(([mac, message]): Case => ({
    name: `MAC ${mac}`,
    text: inv({}, [`    mac: "${mac}"`]),
    expect: [['BAD_MAC', 'nodes[1].mac', 22, 10, message]],
  })),
  { name: 'MAC of a real card', text: inv({}, ['    mac: "52:54:00:12:34:56"']), expect: [] },
  // password file permissions
  {
    name: 'password file readable by others',
    text: inv({}, ['password: {file: /etc/bai/pw.txt}']),
    opts: { ...OPTS, fileMode: () => 0o644 },
    expect: [['PASSWORD_FILE_MODE', 'password.file', 22, 18, M.passwordFileMode('/etc/bai/pw.txt', '0644'), 'warning']],
  },
  {
    name: 'password file readable by the group',
    text: inv({}, ['password: {file: /etc/bai/pw.txt}']),
    opts: { ...OPTS, fileMode: () => 0o640 },
    expect: [['PASSWORD_FILE_MODE', 'password.file', 22, 18, M.passwordFileMode('/etc/bai/pw.txt', '0640'), 'warning']],
  },
  { name: 'password file 0600', text: inv({}, ['password: {file: /etc/bai/pw.txt}']), expect: [] },
  {
    name: 'a missing password file shows its whole path',
    text: inv({}, [`password: {file: ${'/very/long/folder/name'.repeat(4)}/pw.txt}`]),
    opts: { ...OPTS, fileExists: () => false },
    expect: [['PASSWORD_FILE_MISSING', 'password.file', 22, 18, M.passwordFileMissing(`${'/very/long/folder/name'.repeat(4)}/pw.txt`), 'warning']],
  },
]

for (const c of cases) {
  test(`slip: ${c.name}`, () => {
    const { doc, diagnostics } = loadYamlText('inv.yaml', c.text)
    assert.equal(diagnostics, [], 'loads')
    const got = validateInventory(doc!, ROLES, c.opts ?? OPTS).map((d) => {
      const row: Row = [d.code, d.path, d.line, d.col, d.message]
      if (d.severity === 'warning') row.push('warning')
      return row
    })
    assert.equal(got, c.expect)
  })
}

test('a missing password file message holds the whole path', () => {
  const path = `${'/very/long/folder/name'.repeat(4)}/pw.txt`
  assert.ok(M.passwordFileMissing(path).includes(path))
})

test('field rules: MAC, time zone and key checks directly', () => {
  assert.is(checkField('mac', '00:00:00:00:00:00')?.message, M.macZero)
  assert.is(checkField('timezone', 'KST')?.message, M.timezoneAlias('KST', ['Asia/Seoul']))
  assert.is(checkField('timezone', 'Asia/Seoul'), undefined)
  assert.is(checkField('sshKey', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n')?.message, M.sshKeyPrivate)
})

// Plaintext passwords nobody can type: an error when the render reads them, never a hash.
const PLAINTEXTS: [string, string, string | undefined][] = [
  ['one word', 'hunter2', undefined],
  ['spaces inside', 'correct horse battery', undefined],
  ['a NUL byte', 'abc\0def', M.passwordNul('W')],
  ['two lines', 'abc\ndef', M.passwordLines('W')],
  ['a carriage return', 'abc\r', M.passwordLines('W')],
  ['an escape character', 'abc\u001bdef', M.passwordControl('W')],
]
for (const [name, value, message] of PLAINTEXTS) {
  test(`plaintext password: ${name}`, () => assert.is(plaintextProblem(value, 'W'), message))
}

test('password files: invalid UTF-8, NUL and several lines are errors; one trailing line end is fine', () => {
  const dir = tempDir('pw')
  const inventory = join(dir, 'cluster.yaml')
  const cases: [string, Buffer, RegExp | null][] = [
    ['ok.txt', Buffer.from('hunter2\n'), null],
    ['crlf.txt', Buffer.from('hunter2\r\n'), null],
    ['utf8.txt', Buffer.from([0x68, 0xff, 0x69, 0x0a]), /invalid UTF-8/],
    ['nul.txt', Buffer.from('hun\0ter2\n'), /NUL byte/],
    ['lines.txt', Buffer.from('hunter2\nhunter3\n'), /several lines/],
  ]
  for (const [file, bytes, error] of cases) {
    writeFileSync(join(dir, file), bytes, { mode: 0o600 })
    let got: string | null = null
    try {
      readPlaintext({ file }, inventory, {})
    } catch (e) {
      assert.instance(e, PasswordSourceError)
      got = (e as Error).message
    }
    if (error === null) assert.is(got, null, file)
    else assert.match(got ?? '', error, file)
  }
  assert.throws(() => readPlaintext({ env: 'PW' }, inventory, { PW: 'a\nb' }), /several lines/)
})

test('render: a password file of two lines is an error at password, nothing written', () => {
  const dir = tempDir('pw-render')
  writeFileSync(join(dir, 'pw.txt'), 'first\nsecond\n', { mode: 0o600 })
  const text = inv({ 9: '  server: 10.0.0.5' }, ['password: {file: pw.txt}'])
  writeFileSync(join(dir, 'cluster.yaml'), text)
  const r = runCli(['render', '-c', join(dir, 'cluster.yaml'), '-o', join(dir, 'out'), '--no-iso'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /cluster\.yaml:22:\d+: error\[PASSWORD_SOURCE\] password: .*several lines/)
})

test('validate: a password file readable by others is a warning naming chmod 600', () => {
  const dir = tempDir('pw-mode')
  writeFileSync(join(dir, 'pw.txt'), 'hunter2\n')
  chmodSync(join(dir, 'pw.txt'), 0o644)
  writeFileSync(join(dir, 'cluster.yaml'), inv({}, ['password: {file: pw.txt}']))
  const r = runCli(['validate', '-c', join(dir, 'cluster.yaml')])
  assert.is(r.status, 0, r.stderr)
  assert.ok(r.stderr.includes(`warning[PASSWORD_FILE_MODE] password.file: ${M.passwordFileMode(resolve(dir, 'pw.txt'), '0644')}`), r.stderr)
})

test('did you mean: a mistyped flag', () => {
  const r = runCli(['plan', exampleInventory, '--nod', 'bai-m1'])
  assert.is(r.status, 2)
  assert.is(r.stderr, 'error[FLAG] unknown flag --nod (did you mean --node?) (see --help)\n')
})

test('did you mean: a node name in --node', () => {
  const r = runCli(['plan', exampleInventory, '--node', 'bai-a03'])
  assert.is(r.status, 2)
  assert.match(r.stderr, /error\[UNKNOWN_NODE\] nodes: --node bai-a03: no such node in the inventory \(did you mean "bai-a0[12]"\?\); nodes: bai-m1, bai-a01, bai-a02\n/)
})

test('did you mean: a profile name', () => {
  const r = runCli(['profiles', 'show', 'agent-gpx'])
  assert.is(r.status, 2)
  assert.match(r.stderr, /error\[UNKNOWN_PROFILE\] no profile named "agent-gpx" \(did you mean "agent-gpu"\?\); profiles: /)
})

test('"no such node" in a 500-node cluster lists a few names, not all', () => {
  const names = Array.from({ length: 500 }, (_, i) => `gpu-${String(i).padStart(3, '0')}`)
  const shown = someOf('gpu-4999', names)
  assert.is(shown.split(', ').length, 6, shown) // five names and the count
  assert.match(shown, /\(500 in all\)$/)
  assert.ok(shown.startsWith('gpu-499, '), shown)
  const dir = tempDir('many')
  const nodes = names.flatMap((n, i) => [`  - hostname: ${n}`, `    ip: 10.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}/16`, '    roles: [agent]'])
  const text = inv({ 6: 'network: {subnet: 10.0.0.0/16, gateway: 10.0.0.1, dns: [10.0.0.1]}', 9: '  server: 10.0.0.5' })
    .split('\n').slice(0, 15).join('\n') + '\n' + nodes.join('\n') + '\n'
  writeFileSync(join(dir, 'cluster.yaml'), text)
  const r = runCli(['plan', join(dir, 'cluster.yaml'), '--node', 'gpu-0042'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /no such node in the inventory \(did you mean "gpu-\d+"\?\); nodes: (gpu-\d+, ){5}\.\.\. \(500 in all\)\n/)
  assert.ok(r.stderr.length < 400, r.stderr)
})

test.run()
