// validateInventory: one small inventory per problem, with the exact code, message, line and column.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encrypt } from 'unixcrypt'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlFile, loadYamlText } from '../../src/load/load-yaml.js'
import { FIELD_RULES } from '../../src/validate/field-rules.js'
import { M } from '../../src/diagnostics/messages.js'
import { KNOWN_RELEASES_HINT } from '../../src/model/releases.js'
import { validateInventory, type InventoryCheckOptions } from '../../src/validate/validate-inventory.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ROLES = new Set(
  readdirSync(join(ROOT, 'profiles'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5)),
)
const KNOWN = [...ROLES].sort()
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r'

const BASE = [
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
  'ssh:', //                              11
  `  authorized_keys: [${KEY}]`, //       12
  'nodes:', //                            13
  '  - hostname: n1', //                  14
  '    ip: 10.0.0.10/24', //              15
  '    roles: [agent]', //                16
]
/** BASE with some lines replaced (1-based) and lines appended after line 16. */
const inv = (changes: Record<number, string> = {}, extra: string[] = []) =>
  [...BASE.map((l, i) => changes[i + 1] ?? l), ...extra].join('\n') + '\n'
const NODE2 = (ip = '10.0.0.11/24', hostname = 'n2') => [`  - hostname: ${hostname}`, `    ip: ${ip}`, '    roles: [agent]']
const CLUSTER_FLOW = 'cluster: {name: c1, domain: d.internal, release: "24.09", '

type Row = [string, string, number, number, string, ('error' | 'warning')?] // code, path, line, col, message, severity
interface Case {
  name: string
  text: string
  expect: Row[]
  opts?: InventoryCheckOptions
  file?: string
}

const OPTS: InventoryCheckOptions = { env: { BAI_PW: 'secret' }, fileExists: () => true }
const long63 = 'a'.repeat(63)

const cases: Case[] = [
  { name: 'valid', text: inv(), expect: [] },
  { name: 'empty file', text: '# nothing yet\n', expect: [['SCHEMA_TYPE', '(root)', 1, 1, M.schemaType('a mapping', 'nothing (an empty value)')]] },
  { name: 'a list instead of a mapping', text: '- a\n', expect: [['SCHEMA_TYPE', '(root)', 1, 1, M.schemaType('a mapping', 'a list')]] },
  // host names
  { name: 'host name with a dot', text: inv({ 14: '  - hostname: n1.example' }), expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameDot]] },
  { name: 'host name of 64 characters', text: inv({ 14: `  - hostname: a${long63}` }), expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameTooLong]] },
  { name: 'host name starting with "-"', text: inv({ 14: '  - hostname: "-n1"' }), expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameLabel]] },
  { name: 'upper-case host name', text: inv({ 14: '  - hostname: N1' }), expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameLabel]] },
  { name: 'underscore in a host name', text: inv({ 14: '  - hostname: n_1' }), expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameLabel]] },
  { name: 'host name reserved for the PXE folder', text: inv({ 14: '  - hostname: pxe' }), expect: [['RESERVED_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameReserved('pxe')]] },
  { name: 'host name reserved for the installer ISO folder', text: inv({ 14: '  - hostname: installer' }), expect: [['RESERVED_HOSTNAME', 'nodes[0].hostname', 14, 15, M.hostnameReserved('installer')]] },
  {
    name: 'full name longer than 253',
    text: inv({ 3: `  domain: ${long63}.${long63}.${long63}.${'d'.repeat(58)}`, 14: '  - hostname: n12' }),
    expect: [['BAD_HOSTNAME', 'nodes[0].hostname', 14, 15, M.fqdnTooLong(`n12.${long63}.${long63}.${long63}.${'d'.repeat(58)}`)]],
  },
  // duplicates
  {
    name: 'duplicate host name',
    text: inv({}, NODE2('10.0.0.11/24', 'n1')),
    expect: [['DUPLICATE_HOSTNAME', 'nodes[1].hostname', 17, 15, M.duplicateHostname('n1', 'nodes[0]', 14)]],
  },
  {
    name: 'duplicate address',
    text: inv({}, NODE2('10.0.0.10/24')),
    expect: [['DUPLICATE_IP', 'nodes[1].ip', 18, 9, M.duplicateIp('10.0.0.10', 'nodes[0]', 15)]],
  },
  {
    name: 'duplicate MAC, whatever the case',
    text: inv({}, ['    mac: "52:54:00:00:00:0a"', ...NODE2(), '    mac: "52:54:00:00:00:0A"']),
    expect: [['DUPLICATE_MAC', 'nodes[1].mac', 21, 10, M.duplicateMac('52:54:00:00:00:0A', 'nodes[0]', 17)]],
  },
  {
    name: 'duplicate DMI serial number',
    text: inv({}, ['    serial: 7XJ2KQ3', ...NODE2(), '    serial: 7XJ2KQ3']),
    expect: [['DUPLICATE_SERIAL', 'nodes[1].serial', 21, 13, M.duplicateSerial('7XJ2KQ3', 'nodes[0]', 17)]],
  },
  { name: 'placeholder DMI serial number', text: inv({}, ['    serial: To be filled by O.E.M.']), expect: [['BAD_SERIAL', 'nodes[0].serial', 17, 13, M.placeholderSerial('To be filled by O.E.M.')]] },
  { name: 'DMI serial number with a quote', text: inv({}, [`    serial: "ab'c"`]), expect: [['UNSAFE_CHARS', 'nodes[0].serial', 17, 13, M.unsafeChars(`"'"`, 'DMI serial number', FIELD_RULES.dmiSerial.charsText)]] },
  {
    name: 'three nodes on one address: both later ones point at the first',
    text: inv({}, [...NODE2('10.0.0.10/24'), ...NODE2('10.0.0.10/24', 'n3')]),
    expect: [
      ['DUPLICATE_IP', 'nodes[1].ip', 18, 9, M.duplicateIp('10.0.0.10', 'nodes[0]', 15)],
      ['DUPLICATE_IP', 'nodes[2].ip', 21, 9, M.duplicateIp('10.0.0.10', 'nodes[0]', 15)],
    ],
  },
  // addresses
  {
    name: 'address outside the subnet',
    text: inv({ 15: '    ip: 10.0.1.10/24' }),
    expect: [['IP_OUTSIDE_SUBNET', 'nodes[0].ip', 15, 9, M.ipOutsideSubnet('10.0.1.10', '10.0.0.0/24')]],
  },
  {
    name: 'prefix differs from the subnet',
    text: inv({ 15: '    ip: 10.0.0.10/16' }),
    expect: [['PREFIX_MISMATCH', 'nodes[0].ip', 15, 9, M.prefixMismatch(16, '10.0.0.0/24')]],
  },
  { name: 'network address', text: inv({ 15: '    ip: 10.0.0.0/24' }), expect: [['IP_RESERVED', 'nodes[0].ip', 15, 9, M.ipIsNetwork('10.0.0.0')]] },
  { name: 'broadcast address', text: inv({ 15: '    ip: 10.0.0.255/24' }), expect: [['IP_RESERVED', 'nodes[0].ip', 15, 9, M.ipIsBroadcast('10.0.0.255')]] },
  { name: "the gateway's address", text: inv({ 15: '    ip: 10.0.0.1/24' }), expect: [['IP_IS_GATEWAY', 'nodes[0].ip', 15, 9, M.ipIsGateway('10.0.0.1')]] },
  { name: 'octet over 255', text: inv({ 15: '    ip: 10.0.0.300/24' }), expect: [['BAD_IP', 'nodes[0].ip', 15, 9, M.badIpPrefix]] },
  { name: 'address without prefix', text: inv({ 15: '    ip: 10.0.0.10' }), expect: [['BAD_IP', 'nodes[0].ip', 15, 9, M.badIpPrefix]] },
  {
    name: 'gateway outside the subnet',
    text: inv({ 7: '  gateway: 10.0.1.1' }),
    expect: [['GATEWAY_OUTSIDE_SUBNET', 'network.gateway', 7, 12, M.gatewayOutsideSubnet('10.0.1.1', '10.0.0.0/24')]],
  },
  {
    name: 'subnet with host bits',
    text: inv({ 6: '  subnet: 10.0.0.5/24' }),
    expect: [['BAD_SUBNET', 'network.subnet', 6, 11, M.subnetHostBits('10.0.0.0/24')]],
  },
  { name: 'malformed subnet', text: inv({ 6: '  subnet: 10.0.0/24' }), expect: [['BAD_SUBNET', 'network.subnet', 6, 11, M.badSubnet]] },
  { name: 'bad DNS server', text: inv({ 8: '  dns: [10.0.0.1, 8.8.8]' }), expect: [['BAD_IP', 'network.dns[1]', 8, 19, M.badIPv4]] },
  // roles
  { name: 'unknown role with a suggestion', text: inv({ 16: '    roles: [agnet]' }), expect: [['UNKNOWN_ROLE', 'nodes[0].roles[0]', 16, 13, M.unknownRole('agnet', 'agent', KNOWN)]] },
  { name: 'unknown role', text: inv({ 16: '    roles: [agent, gpu-box]' }), expect: [['UNKNOWN_ROLE', 'nodes[0].roles[1]', 16, 20, M.unknownRole('gpu-box', undefined, KNOWN)]] },
  { name: 'role listed twice', text: inv({ 16: '    roles: [agent, agent]' }), expect: [['DUPLICATE_ROLE', 'nodes[0].roles[1]', 16, 20, M.duplicateRole('agent'), 'warning']] },
  {
    name: 'role that is not a profile name',
    text: inv({ 16: '    roles: [Agent]' }),
    expect: [
      ['BAD_PROFILE_NAME', 'nodes[0].roles[0]', 16, 13, M.badProfileName],
      ['UNKNOWN_ROLE', 'nodes[0].roles[0]', 16, 13, M.unknownRole('Agent', 'agent', KNOWN)],
    ],
  },
  // node fields
  { name: 'short MAC', text: inv({}, ['    mac: "52:54:00:00:00"']), expect: [['BAD_MAC', 'nodes[0].mac', 17, 10, M.badMac]] },
  { name: 'multicast MAC', text: inv({}, ['    mac: "01:00:5e:00:00:01"']), expect: [['BAD_MAC', 'nodes[0].mac', 17, 10, M.macMulticast]] },
  { name: 'interface name too long', text: inv({}, ['    interface: enp1s0f0np0abcde']), expect: [['BAD_INTERFACE', 'nodes[0].interface', 17, 16, M.badInterface]] },
  { name: 'disk match with globs', text: inv({}, ['    disk: {serial: "CT1000*", model: Samsung SSD 860, path: "/dev/nvme?n1"}']), expect: [] },
  { name: 'disk path outside /dev', text: inv({}, ['    disk: {path: /etc/passwd}']), expect: [['BAD_DISK_MATCH', 'nodes[0].disk.path', 17, 18, M.badDiskPath]] },
  {
    name: 'comment with a line break',
    text: inv({}, ['    comment: "rack 1\\nrow 2"']),
    expect: [['UNSAFE_CHARS', 'nodes[0].comment', 17, 14, M.controlChars('U+000A (line feed)', 'text')]],
  },
  { name: 'comment with shell and YAML characters is fine (renderers quote it)', text: inv({}, ["    comment: \"$(reboot); `id` # {x}: 'y' é\""]), expect: [] },
  // cluster
  { name: 'unknown release line', text: inv({ 4: '  release: "21.09"' }), expect: [['UNKNOWN_RELEASE', 'cluster.release', 4, 12, M.unknownRelease('21.09', KNOWN_RELEASES_HINT)]] },
  { name: 'release line 25.10 (quoted)', text: inv({ 4: '  release: "25.10"' }), expect: [] },
  { name: 'cluster name', text: inv({ 2: '  name: My_Cluster' }), expect: [['BAD_CLUSTER_NAME', 'cluster.name', 2, 9, M.badClusterName]] },
  { name: 'domain with an empty label', text: inv({ 3: '  domain: example..internal' }), expect: [['BAD_DOMAIN', 'cluster.domain', 3, 11, M.badDomain]] },
  { name: 'locale', text: inv({ 1: `${CLUSTER_FLOW}locale: english}`, 2: '#', 3: '#', 4: '#' }), expect: [['BAD_LOCALE', 'cluster.locale', 1, 67, M.badLocale]] },
  { name: 'keyboard', text: inv({ 1: `${CLUSTER_FLOW}keyboard: US}`, 2: '#', 3: '#', 4: '#' }), expect: [['BAD_KEYBOARD', 'cluster.keyboard', 1, 69, M.badKeyboard]] },
  { name: 'time zone', text: inv({ 1: `${CLUSTER_FLOW}timezone: Asia//Seoul}`, 2: '#', 3: '#', 4: '#' }), expect: [['BAD_TIMEZONE', 'cluster.timezone', 1, 69, M.badTimezone]] },
  { name: 'good locale, keyboard, time zone', text: inv({ 1: `${CLUSTER_FLOW}locale: C.UTF-8, keyboard: de, timezone: America/Argentina/Buenos_Aires}`, 2: '#', 3: '#', 4: '#' }), expect: [] },
  // storage
  {
    name: 'NFS without server and exports',
    text: inv({ 10: '  type: nfs' }),
    expect: [
      ['NFS_INCOMPLETE', 'storage', 9, 1, M.nfsNoServer],
      ['NFS_INCOMPLETE', 'storage', 9, 1, M.nfsNoExports],
    ],
  },
  { name: 'NFS with an empty export list', text: inv({ 9: 'storage: {type: nfs, server: 10.0.0.5, exports: []}', 10: '#' }), expect: [['NFS_INCOMPLETE', 'storage.exports', 9, 49, M.nfsNoExports]] },
  { name: 'local storage ignores a server', text: inv({ 9: 'storage: {type: local, server: nfs1}', 10: '#' }), expect: [['STORAGE_IGNORED', 'storage.server', 9, 24, M.storageIgnored('server'), 'warning']] },
  {
    name: 'NFS exports: duplicate, bad name, bad path, unsafe option',
    text: inv({ 9: '#', 10: '#' }, [
      'storage:', //                                                              17
      '  type: nfs', //                                                           18
      '  server: nfs1.example', //                                                19
      '  exports:', //                                                            20
      '    - {name: data, path: /export/data}', //                                21
      '    - {name: data, path: /export/other}', //                               22
      '    - {name: Data, path: /export/../etc, options: [rw, "sec=krb5;x"]}', // 23
    ]),
    expect: [
      ['DUPLICATE_EXPORT', 'storage.exports[1].name', 22, 14, M.duplicateExport('data', 'storage.exports[0]', 21)],
      ['BAD_EXPORT_NAME', 'storage.exports[2].name', 23, 14, M.badExportName],
      ['BAD_PATH', 'storage.exports[2].path', 23, 26, M.badAbsPath],
      ['UNSAFE_CHARS', 'storage.exports[2].options[1]', 23, 56, M.unsafeChars('";"', 'mount option', FIELD_RULES.mountOption.charsText)],
    ],
  },
  // mirrors
  {
    name: 'mirrors',
    text: inv({}, [
      'mirrors:', //                                                     17
      '  apt: ftp://m.example/ubuntu', //                                18
      '  pypi: "https://p.example/simple?x=1"', //                       19
      '  registry: "reg.example:99999"', //                              20
      '  proxy: http://user:pw@proxy.example:3128', //                   21
      '  no_proxy: [.example.internal, 10.0.0.0/8, "bad host"]', //      22
      '  docker_hub: [https://hub.example]', //                          23
    ]),
    expect: [
      ['BAD_URL', 'mirrors.apt', 18, 8, M.badUrlScheme],
      ['UNSAFE_CHARS', 'mirrors.pypi', 19, 9, M.unsafeChars('"?"', 'URL', FIELD_RULES.url.charsText)],
      ['BAD_REGISTRY', 'mirrors.registry', 20, 13, M.badRegistry],
      ['UNSAFE_CHARS', 'mirrors.no_proxy[2]', 22, 45, M.unsafeChars('U+0020 (space)', 'no_proxy entry', FIELD_RULES.noProxy.charsText)],
    ],
  },
  {
    name: 'mirrors: repositories, keys, index, registries, CA certificates',
    text: inv({}, [
      'mirrors:', //                                                     17
      '  docker_apt_key: file:///tmp/docker.gpg', //                     18
      '  cuda_apt: http://m.example/cuda/repos', //                      19
      '  cuda_apt_key: "http://m.example/k ey"', //                      20
      '  nvidia_toolkit_apt: http://m.example/nct', //                   21
      '  python: pbs.example/releases', //                               22
      '  pypi_trusted_host: "pypi.example:0"', //                        23
      '  registries:', //                                                24
      '    cr.backend.ai: reg.example:5000/Backend', //                  25
      '    "bad host": reg.example:5000', //                             26
      '    docker.io: reg.example:5000/hub', //                          27
      '  ca_certificates:', //                                           28
      '    - "not a certificate"', //                                    29
      '    - |', //                                                      30
      '      -----BEGIN CERTIFICATE-----', //                            31
      '      MIIBlDCCATmgAwIBAgIUDM9qkV6jdAagCj8beX7AlAqkqI0wCgYIKoZIzj0E', // 32
      '      -----END CERTIFICATE-----', //                              33
    ]),
    expect: [
      ['BAD_URL', 'mirrors.docker_apt_key', 18, 19, M.badUrlScheme],
      ['UNSAFE_CHARS', 'mirrors.cuda_apt_key', 20, 17, M.unsafeChars('U+0020 (space)', 'URL', FIELD_RULES.url.charsText)],
      ['BAD_URL', 'mirrors.python', 22, 11, M.badUrl],
      ['BAD_HOST', 'mirrors.pypi_trusted_host', 23, 22, M.badHostPort],
      ['BAD_REGISTRY', 'mirrors.registries["cr.backend.ai"]', 25, 20, M.badRegistryMirror],
      ['UNSAFE_CHARS', 'mirrors.registries["bad host"]', 26, 5, M.unsafeChars('U+0020 (space)', 'registry', FIELD_RULES.registry.charsText)],
      ['BAD_CERTIFICATE', 'mirrors.ca_certificates[0]', 29, 7, M.badPemCertificate],
    ],
  },
  {
    name: 'reporting: the cluster\'s URL and a node\'s own are checked',
    text: inv({}, ['    reporting: {url: "http://10.0.0.5:8080"}', 'reporting:', '  url: ftp://10.0.0.5/']),
    expect: [
      ['BAD_REPORT_URL', 'nodes[0].reporting.url', 17, 22, M.reportUrlSlash],
      ['BAD_URL', 'reporting.url', 19, 8, M.badUrlScheme],
    ],
  },
  {
    name: 'reporting: credentials in the URL, and a reporting without url',
    text: inv({}, ['    reporting: {}', 'reporting:', '  url: "http://u:p@10.0.0.5:8080/"']),
    expect: [
      ['SCHEMA_REQUIRED', 'nodes[0].reporting', 17, 5, M.schemaRequired('url')],
      ['UNSAFE_CHARS', 'reporting.url', 19, 8, M.unsafeChars('"@"', 'reporting URL', FIELD_RULES.reportUrl.charsText)],
    ],
  },
  {
    name: 'per-node mirrors are checked like the cluster\'s',
    text: inv({}, ['    mirrors:', '      apt: ftp://m.example/ubuntu', '      registries: {quay.io: "reg.example:5000/q!"}', '      no_proxy: ["a b"]']),
    expect: [
      ['BAD_URL', 'nodes[0].mirrors.apt', 18, 12, M.badUrlScheme],
      ['UNSAFE_CHARS', 'nodes[0].mirrors.registries["quay.io"]', 19, 29, M.unsafeChars('"!"', 'registry mirror', FIELD_RULES.registryMirror.charsText)],
      ['UNSAFE_CHARS', 'nodes[0].mirrors.no_proxy[0]', 20, 18, M.unsafeChars('U+0020 (space)', 'no_proxy entry', FIELD_RULES.noProxy.charsText)],
    ],
  },
  {
    name: 'per-node mirrors: unknown key',
    text: inv({}, ['    mirrors:', '      aptt: http://m.example/ubuntu']),
    expect: [['SCHEMA_UNKNOWN_KEY', 'nodes[0].mirrors.aptt', 18, 7, M.schemaUnknownKey('aptt', 'apt', [])]],
  },
  // login
  {
    name: 'SSH key pasted with the wrong type',
    text: inv({ 12: `  authorized_keys: ["${KEY.replace('ssh-ed25519', 'ssh-rsa')}"]` }),
    expect: [['BAD_SSH_KEY', 'ssh.authorized_keys[0]', 12, 21, M.sshKeyData('ssh-rsa')]],
  },
  { name: 'no way to log in', text: inv({ 12: '  authorized_keys: []' }), expect: [['NO_LOGIN', 'ssh', 11, 1, M.noLogin, 'warning']] },
  { name: 'no ssh section and no password', text: inv({ 11: '#', 12: '#' }), expect: [['NO_LOGIN', '(root)', 1, 1, M.noLogin, 'warning']] },
  {
    name: 'password login without a password',
    text: inv({ 11: `ssh: {allow_password: true, authorized_keys: [${KEY}]}`, 12: '#' }),
    expect: [['PASSWORD_LOGIN_WITHOUT_PASSWORD', 'ssh.allow_password', 11, 23, M.passwordLoginWithoutPassword, 'warning']],
  },
  { name: 'SHA-512 crypt hash', text: inv({}, [`password: {hash: "${encrypt('pw', '$6$saltsalt')}"}`]), expect: [] },
  { name: 'SHA-256 crypt hash', text: inv({}, [`password: {hash: "${encrypt('pw', '$5$saltsalt')}"}`]), expect: [] },
  {
    name: 'MD5 crypt hash is weak',
    text: inv({}, ['password: {hash: "$1$abc$0123456789012345678901"}']),
    expect: [['WEAK_PASSWORD_HASH', 'password.hash', 17, 18, M.weakCryptHash, 'warning']],
  },
  { name: 'plaintext given as hash', text: inv({}, ['password: {hash: "hunter2"}']), expect: [['BAD_PASSWORD_HASH', 'password.hash', 17, 18, M.badCryptHash]] },
  {
    name: 'password file missing, relative to the inventory',
    file: 'site/cluster.yaml',
    text: inv({}, ['password: {file: secrets/pw.txt}']),
    opts: { fileExists: () => false },
    expect: [['PASSWORD_FILE_MISSING', 'password.file', 17, 18, M.passwordFileMissing(resolve('site', 'secrets/pw.txt')), 'warning']],
  },
  {
    name: 'password variable not set',
    text: inv({}, ['password: {env: BAI_PW_UNSET}']),
    opts: { env: {} },
    expect: [['PASSWORD_ENV_UNSET', 'password.env', 17, 17, M.passwordEnvUnset('BAI_PW_UNSET'), 'warning']],
  },
  { name: 'password variable set', text: inv({}, ['password: {env: BAI_PW}']), expect: [] },
  { name: 'bad variable name', text: inv({}, ['password: {env: "1PW"}']), expect: [['BAD_ENV_NAME', 'password.env', 17, 17, M.badEnvName]] },
  // overrides share the profile rules
  {
    name: 'per-node overrides',
    text: inv({}, [
      '    overrides:', //                                       17
      '      user: {uid: 0, gid: 70000}', //                     18
      '      images: {pull: [a], pull+: [b]}', //                19
      '      sysctl: {values: {net.core.Somaxconn: 1}}', //      20
    ]),
    expect: [
      ['UID_ZERO', 'nodes[0].overrides.user.uid', 18, 19, M.idZero('uid')],
      ['GID_RANGE', 'nodes[0].overrides.user.gid', 18, 27, M.idRange('gid', 70000), 'warning'],
      ['LIST_REPLACE_AND_APPEND', 'nodes[0].overrides.images.pull+', 19, 27, M.replaceAndAppend('pull')],
      ['BAD_SYSCTL_KEY', 'nodes[0].overrides.sysctl.values["net.core.Somaxconn"]', 20, 25, M.badSysctlKey],
    ],
  },
]

for (const c of cases) {
  test(`inventory: ${c.name}`, () => {
    const { doc, diagnostics } = loadYamlText(c.file ?? 'inv.yaml', c.text)
    assert.equal(diagnostics, [], 'loads')
    const got = validateInventory(doc!, ROLES, c.opts ?? OPTS).map((d) => {
      const row: Row = [d.code, d.path, d.line, d.col, d.message]
      if (d.severity === 'warning') row.push('warning')
      return row
    })
    assert.equal(got, c.expect)
  })
}

test('the password file is looked up next to the inventory', () => {
  const asked: string[] = []
  const { doc } = loadYamlText('site/cluster.yaml', inv({}, ['password: {file: ../pw.txt}']))
  const diags = validateInventory(doc!, ROLES, { fileExists: (p) => (asked.push(p), true) })
  assert.equal(diags, [])
  assert.equal(asked, [resolve('pw.txt')])
})

test('examples/cluster.yaml validates clean', () => {
  const { doc, diagnostics } = loadYamlFile(join(ROOT, 'examples/cluster.yaml'))
  assert.equal(diagnostics, [])
  assert.equal(validateInventory(doc!, ROLES), [])
})

test('an inventory with many problems reports all of them at once, in file order', () => {
  const file = join(ROOT, 'test/fixtures/inventory-many-errors.yaml')
  const { doc, diagnostics } = loadYamlFile(file)
  assert.equal(diagnostics, [])
  const got = validateInventory(doc!, ROLES, { env: {}, fileExists: () => true }).map((d) => `${d.line}:${d.col} ${d.code} ${d.path}`)
  assert.equal(got, [
    '2:9 BAD_CLUSTER_NAME cluster.name',
    '4:12 UNKNOWN_RELEASE cluster.release',
    '6:11 BAD_SUBNET network.subnet',
    '7:12 GATEWAY_OUTSIDE_SUBNET network.gateway',
    '8:21 BAD_IP network.dns[1]',
    '9:1 NFS_INCOMPLETE storage',
    '12:14 UNSAFE_CHARS storage.exports[0].name',
    '12:29 BAD_PATH storage.exports[0].path',
    '14:14 DUPLICATE_EXPORT storage.exports[2].name',
    '16:8 BAD_URL mirrors.apt',
    '17:10 UNSAFE_CHARS mirrors.proxy',
    '20:7 BAD_SSH_KEY ssh.authorized_keys[0]',
    '21:7 BAD_SSH_KEY ssh.authorized_keys[1]',
    '23:9 WEAK_PASSWORD_HASH password.hash',
    '28:22 UNKNOWN_ROLE nodes[0].roles[1]',
    '30:15 BAD_HOSTNAME nodes[1].hostname',
    '30:15 DUPLICATE_HOSTNAME nodes[1].hostname',
    '31:9 DUPLICATE_IP nodes[1].ip',
    '31:9 PREFIX_MISMATCH nodes[1].ip',
    '32:10 DUPLICATE_MAC nodes[1].mac',
    '33:20 DUPLICATE_ROLE nodes[1].roles[1]',
    '34:14 UNSAFE_CHARS nodes[1].comment',
    '36:19 UID_ZERO nodes[1].overrides.user.uid',
    '36:27 GID_RANGE nodes[1].overrides.user.gid',
    '36:38 UNSAFE_CHARS nodes[1].overrides.user.name',
    '37:33 LIST_REPLACE_AND_APPEND nodes[1].overrides.images.pull+',
    '37:41 BAD_IMAGE_REF nodes[1].overrides.images.pull+[0]',
    '38:25 BAD_SYSCTL_KEY nodes[1].overrides.sysctl.values["net.ipv4.Tcp"]',
    '38:60 UNSAFE_CHARS nodes[1].overrides.sysctl.values["kernel.x"]',
    '39:5 SCHEMA_REQUIRED nodes[2]',
    '39:15 BAD_HOSTNAME nodes[2].hostname',
    '40:9 IP_OUTSIDE_SUBNET nodes[2].ip',
    '41:5 SCHEMA_UNKNOWN_KEY nodes[2].role',
    '42:16 UNSAFE_CHARS nodes[2].interface',
    '43:33 BAD_DISK_MATCH nodes[2].disk.path',
  ])
})

test.run()
