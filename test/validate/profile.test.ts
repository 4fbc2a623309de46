// validateProfile: the shipped profiles are clean; each problem is found at its exact position.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loadYamlFile, loadYamlText } from '../../src/load/load-yaml.js'
import { FIELD_RULES } from '../../src/validate/field-rules.js'
import { M } from '../../src/diagnostics/messages.js'
import { validateProfile } from '../../src/validate/validate-profile.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

test('every shipped profile validates clean', () => {
  const files = readdirSync(join(ROOT, 'profiles')).filter((f) => f.endsWith('.yaml'))
  assert.ok(files.length >= 6)
  for (const f of files) {
    const { doc, diagnostics } = loadYamlFile(join(ROOT, 'profiles', f))
    assert.equal(diagnostics, [], f)
    assert.equal(validateProfile(doc!), [], f)
  }
})

type Row = [string, string, number, number, string, ('error' | 'warning')?]
const cases: [string, string, Row[]][] = [
  ['minimal', 'description: x\n', []],
  ['empty file', '', [['SCHEMA_TYPE', '(root)', 1, 1, M.schemaType('a mapping', 'nothing (an empty value)')]]],
  ['parent name', 'extends: [Base]\n', [['BAD_PROFILE_NAME', 'extends[0]', 1, 11, M.badProfileName]]],
  [
    'image reference',
    'settings:\n  images:\n    pull+:\n      - valkey/Valkey:9\n      - "postgres:16 alpine"\n',
    [
      ['BAD_IMAGE_REF', 'settings.images.pull+[0]', 4, 9, M.badImageRef(M.imageUppercase)],
      ['UNSAFE_CHARS', 'settings.images.pull+[1]', 5, 9, M.unsafeChars('U+0020 (space)', 'image reference', FIELD_RULES.imageRef.charsText)],
    ],
  ],
  [
    'sysctl key and value',
    'settings:\n  sysctl:\n    values:\n      net.core.SOMAXCONN: 1\n      kernel.core_pattern: "|/bin/sh"\n',
    [
      ['BAD_SYSCTL_KEY', 'settings.sysctl.values["net.core.SOMAXCONN"]', 4, 7, M.badSysctlKey],
      ['UNSAFE_CHARS', 'settings.sysctl.values["kernel.core_pattern"]', 5, 28, M.unsafeChars('"|"', 'sysctl value', FIELD_RULES.sysctlValue.charsText)],
    ],
  ],
  [
    'service account: system name, system home, unsafe sysctl keys',
    'settings:\n  user:\n    name: root\n    home: /\n  sysctl:\n    values:\n      kernel..x: 1\n      net/ipv4/ip_forward: 1\n',
    [
      ['SYSTEM_ACCOUNT', 'settings.user.name', 3, 11, M.systemAccount('root')],
      ['BAD_HOME', 'settings.user.home', 4, 11, M.systemHome('/')],
      ['BAD_SYSCTL_KEY', 'settings.sysctl.values["kernel..x"]', 7, 7, M.badSysctlKey],
      ['UNSAFE_CHARS', 'settings.sysctl.values["net/ipv4/ip_forward"]', 8, 7, M.unsafeChars('"/"', 'sysctl key', FIELD_RULES.sysctlKey.charsText)],
    ],
  ],
  [
    'uid and gid',
    'settings:\n  user:\n    uid: 0\n    gid: 65534\n',
    [
      ['UID_ZERO', 'settings.user.uid', 3, 10, M.idZero('uid')],
      ['GID_RANGE', 'settings.user.gid', 4, 10, M.idRange('gid', 65534), 'warning'],
    ],
  ],
  ['system uid', 'settings:\n  user: {uid: 999, gid: 1000}\n', [['UID_RANGE', 'settings.user.uid', 2, 15, M.idRange('uid', 999), 'warning']]],
  [
    'replace and append the same list',
    'settings:\n  services:\n    venvs: [agent]\n    venvs+: [manager]\n',
    [['LIST_REPLACE_AND_APPEND', 'settings.services.venvs+', 4, 5, M.replaceAndAppend('venvs')]],
  ],
  [
    'python',
    'settings:\n  python:\n    version: "3.12"\n    release: 20240909\n    sha256: {x86_64: ABC}\n    base_url: file:///srv/pbs\n',
    [
      ['BAD_PYTHON_VERSION', 'settings.python.version', 3, 14, M.badPythonVersion],
      ['SCHEMA_TYPE', 'settings.python.release', 4, 14, M.schemaTypeQuote('a string', 'the number 20240909', '20240909')],
      ['BAD_SHA256', 'settings.python.sha256.x86_64', 5, 22, M.badSha256],
      ['BAD_URL', 'settings.python.base_url', 6, 15, M.badUrlScheme],
    ],
  ],
  [
    'docker',
    'settings:\n  docker:\n    data_root: var/lib/docker\n    log_max_size: 100MB\n    packages+: [docker-ce-rootless-extras]\n',
    [
      ['BAD_PATH', 'settings.docker.data_root', 3, 16, M.badAbsPath],
      ['BAD_SIZE', 'settings.docker.log_max_size', 4, 19, M.badSize],
    ],
  ],
  [
    'pinned key fingerprints',
    'settings:\n  docker:\n    key_fingerprint: 9DC85822\n  nvidia:\n    cuda: {key_fingerprint: "EB69 3B30 35CD 5710 E231  E123 A4B4 6996 3BF8 63CC"}\n    container_toolkit: {key_fingerprint: "0x C95B"}\n',
    [
      ['BAD_FINGERPRINT', 'settings.docker.key_fingerprint', 3, 22, M.badFingerprint],
      ['BAD_FINGERPRINT', 'settings.nvidia.container_toolkit.key_fingerprint', 6, 42, M.badFingerprint],
    ],
  ],
  [
    'limits',
    'settings:\n  limits:\n    entries+:\n      - {domain: "b@d", type: hard, item: nofile, value: lots}\n',
    [
      ['BAD_LIMIT_DOMAIN', 'settings.limits.entries+[0].domain', 4, 18, M.badLimitDomain],
      ['BAD_LIMIT_VALUE', 'settings.limits.entries+[0].value', 4, 58, M.badLimitValue],
    ],
  ],
  [
    'multi-line description (block scalar, reported at its indicator)',
    'description: |\n  line one\n  line two\n',
    [['UNSAFE_CHARS', 'description', 1, 14, M.controlChars('U+000A (line feed)', 'text')]],
  ],
  ['folded description without a final line break is one line', 'description: >-\n  line one\n  line two\n', []],
  ['gecos with a field separator', 'settings:\n  user: {gecos: "Backend.AI, ops"}\n', [['UNSAFE_CHARS', 'settings.user.gecos', 2, 17, M.unsafeChars('","', 'gecos', M.gecosAllowed)]]],
  [
    'NVIDIA packages',
    'settings:\n  nvidia:\n    driver: {method: package, package: nvidia_driver}\n',
    [['BAD_PACKAGE_NAME', 'settings.nvidia.driver.package', 3, 40, M.badPackageName]],
  ],
  [
    'groups and mount options',
    'settings:\n  user: {groups+: [video, "Render"]}\n  storage: {nfs_options: [rw, "vers=4 ,x"]}\n',
    [
      ['BAD_GROUP_NAME', 'settings.user.groups+[1]', 2, 27, M.badGroupName],
      ['UNSAFE_CHARS', 'settings.storage.nfs_options[1]', 3, 31, M.unsafeChars('U+0020 (space)', 'mount option', FIELD_RULES.mountOption.charsText)],
    ],
  ],
  [
    'expected durations: unknown steps (with the closest id), non-positive, absurd, malformed, not a string',
    'settings:\n  expected_durations:\n    nvidia-drivers: 45m\n    images: 0m\n    docker: -5m\n    user: 25h\n    venvs: 2d\n    python: 45\n    nvidia-check: 1h30m\n',
    [
      ['UNKNOWN_STEP', 'settings.expected_durations.nvidia-drivers', 3, 5, M.unknownStep('nvidia-drivers', 'nvidia-driver')],
      ['DURATION_NOT_POSITIVE', 'settings.expected_durations.images', 4, 13, M.durationNotPositive],
      ['DURATION_NOT_POSITIVE', 'settings.expected_durations.docker', 5, 13, M.durationNotPositive],
      ['DURATION_TOO_LONG', 'settings.expected_durations.user', 6, 11, M.durationTooLong('25h', '24h')],
      ['BAD_DURATION', 'settings.expected_durations.venvs', 7, 12, M.badDuration],
      ['SCHEMA_TYPE', 'settings.expected_durations.python', 8, 13, M.schemaTypeQuote('a string', 'the number 45', '45')],
    ],
  ],
]

for (const [name, text, rows] of cases) {
  test(`profile: ${name}`, () => {
    const { doc, diagnostics } = loadYamlText('p.yaml', text)
    assert.equal(diagnostics, [])
    const got = validateProfile(doc!).map((d) => {
      const row: Row = [d.code, d.path, d.line, d.col, d.message]
      if (d.severity === 'warning') row.push('warning')
      return row
    })
    assert.equal(got, rows)
  })
}

test.run()
