// Issue 11, "a newcomer's first hour": each slip of a new user gets a clear answer, and the CLI behaves like the
// tools admins know. One test per item, through the real CLI.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, fixtures, repoRoot, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const example = readFileSync(exampleInventory, 'utf8')
const SITE_PROFILE = 'description: "site GPU agent"\nextends: [agent-gpu]\nsettings:\n  images:\n    pull+: [site/tool:1.0]\n'

function inventory(dir: string, text = example): string {
  const file = join(dir, 'cluster.yaml')
  writeFileSync(file, text)
  return file
}

test('1. --profiles: a missing folder or a file is exit 2; the inventory may name its profile folders', () => {
  const dir = tempDir('newcomer')
  const inv = inventory(dir)
  const missing = runCli(['render', inv, '-o', join(dir, 'out'), '--profiles', join(dir, 'site-profiels')])
  assert.is(missing.status, 2, missing.stderr)
  assert.match(missing.stderr, /^error\[PROFILES_DIR\] --profiles .*site-profiels: no such folder\n$/)
  assert.not.ok(existsSync(join(dir, 'out')))
  const file = runCli(['validate', inv, '--profiles', inv])
  assert.is(file.status, 2)
  assert.match(file.stderr, /error\[PROFILES_DIR\] --profiles .*cluster\.yaml: not a folder/)

  mkdirSync(join(dir, 'site'))
  writeFileSync(join(dir, 'site', 'site-gpu.yaml'), SITE_PROFILE)
  const withFolder = inventory(dir, example.replace('nodes:\n', 'profiles: [site]\n\nnodes:\n').replace('roles: [agent-gpu]\n    comment: agent node 01', 'roles: [site-gpu]\n    comment: agent node 01'))
  const plan = runCli(['plan', withFolder, '--node', 'bai-a01', '--json'], {}, tempDir('elsewhere'))
  assert.is(plan.status, 0, plan.stderr)
  assert.match(plan.stdout, /site\/tool:1\.0/)
  const bad = inventory(dir, example.replace('nodes:\n', 'profiles: [nowhere]\n\nnodes:\n'))
  const r = runCli(['validate', bad])
  assert.is(r.status, 2)
  assert.match(r.stderr, /cluster\.yaml:\d+:\d+: error\[PROFILES_DIR\] profiles\[0\]: no such folder: .*nowhere \(the path is relative to the inventory\)/)
})

test('2. a private SSH key is refused by init and by validation, with a hint to use the .pub file', () => {
  const dir = tempDir('newcomer')
  const key = join(dir, 'id_x')
  writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 })
  writeFileSync(`${key}.pub`, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r me@x\n')
  const init = runCli(['init', '-c', join(dir, 'c.yaml'), '--ssh-key', key])
  assert.is(init.status, 2, init.stderr)
  assert.match(init.stderr, /^error\[PRIVATE_KEY\] --ssh-key .*id_x is a PRIVATE key: give the public key file \(.*id_x\.pub\) instead\n$/)
  assert.not.ok(existsSync(join(dir, 'c.yaml')))
  assert.is(runCli(['init', '-c', join(dir, 'c.yaml'), '--ssh-key', `${key}.pub`]).status, 0)
  const inv = inventory(dir, example.replace(/    - ssh-ed25519 .*\n/, '    - "-----BEGIN OPENSSH PRIVATE KEY-----"\n'))
  const v = runCli(['validate', inv])
  assert.is(v.status, 2)
  assert.match(v.stderr, /error\[[A-Z_]+\] ssh\.authorized_keys\[0\]: this is a PRIVATE key/)
})

test('2b. init --ssh-key takes only files that parse as public keys (not /etc/shadow), without echoing their lines', () => {
  const dir = tempDir('newcomer')
  const shadow = join(dir, 'shadow')
  writeFileSync(shadow, 'root:$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n', { mode: 0o600 })
  const mixed = join(dir, 'mixed.pub')
  writeFileSync(mixed, '# keys\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r me@x\nssh-rsa AAAA-not-base64 x\n')
  const empty = join(dir, 'empty.pub')
  writeFileSync(empty, '# nothing\n')
  const big = join(dir, 'big.pub')
  writeFileSync(big, 'x'.repeat(1 << 20))
  const cases: [string, RegExp][] = [
    [shadow, /^error\[SSH_KEY_FILE\] --ssh-key .*shadow is not a public key file \(lines 1, 2 are not an OpenSSH public key\): give an OpenSSH \.pub file\n$/],
    [mixed, /^error\[SSH_KEY_FILE\] --ssh-key .*mixed\.pub is not a public key file \(line 3 is not an OpenSSH public key\)/],
    [empty, /^error\[SSH_KEY_FILE\] --ssh-key .*empty\.pub is not a public key file \(no key in it\)/],
    [big, /^error\[SSH_KEY_FILE\] --ssh-key .*big\.pub: 1048576 bytes, not a public key file/],
  ]
  for (const [file, message] of cases) {
    const r = runCli(['init', '-c', join(dir, 'c.yaml'), '--ssh-key', file])
    assert.is(r.status, 2, r.stderr)
    assert.match(r.stderr, message)
    assert.not.match(r.stderr, /\$6\$|daemon/, 'the lines are not echoed')
    assert.not.ok(existsSync(join(dir, 'c.yaml')), 'nothing written')
  }
})

test('3. the storage node is the NFS server: exports, bind mounts, no mount from itself; others wait for it', () => {
  const out = join(tempDir('newcomer'), 'out')
  const r = runCli(['render', join(fixtures, 'nfs-server.yaml'), '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  const server = readFileSync(join(out, 'bai-s1', 'provision.sh'), 'utf8')
  const ids = /^readonly STEP_IDS=\((.*)\)$/m.exec(server)![1]!.split(' ')
  assert.ok(ids.indexOf('nfs-server') > ids.indexOf('packages') && ids.indexOf('nfs-server') < ids.indexOf('mounts'), ids.join(' '))
  assert.match(server, /apt_install nfs-kernel-server/)
  assert.match(server, /'\/export\/backendai\/data 10\.20\.30\.0\/24\(rw,sync,no_subtree_check,no_root_squash\)'/)
  assert.match(server, /'\/export\/backendai\/data \/vfroot\/data none bind 0 0'/)
  assert.not.match(server, /10\.20\.30\.5:\/export/, 'never mounts from itself')
  for (const host of ['bai-s1', 'bai-a01']) {
    const sc = spawnSync('shellcheck', ['--severity=warning', '--shell=bash', join(out, host, 'provision.sh')], { encoding: 'utf8' })
    assert.is(sc.status, 0, `${host}: ${sc.stdout}${sc.stderr}`)
  }
  const agent = readFileSync(join(out, 'bai-a01', 'provision.sh'), 'utf8')
  assert.match(agent, /'10\.20\.30\.5:\/export\/backendai\/data \/vfroot\/data nfs /)
  assert.match(agent, /retry 9 mount/, 'waits minutes for the cluster NFS server')
  assert.not.match(agent, /nfs-kernel-server/)

  const noRole = join(tempDir('newcomer'), 'c.yaml')
  writeFileSync(noRole, readFileSync(join(fixtures, 'nfs-server.yaml'), 'utf8').replace('roles: [storage]', 'roles: [manager]'))
  const v = runCli(['validate', noRole])
  assert.is(v.status, 2)
  assert.match(v.stderr, /error\[STORAGE_SERVER_NOT_SERVING\] storage\.server: bai-s1 is the NFS server here, but it would only mount from itself/)
  const withSetting = join(tempDir('newcomer'), 'c.yaml')
  writeFileSync(withSetting, readFileSync(noRole, 'utf8').replace('comment: storage node, NFS server', 'comment: storage node, NFS server\n    overrides: {storage: {nfs_server: true}}'))
  assert.is(runCli(['validate', withSetting]).status, 0)
})

test('4. time zones, locales and keyboard layouts are checked against the shipped lists', () => {
  const dir = tempDir('newcomer')
  const inv = inventory(dir, example.replace('timezone: UTC', 'timezone: Mars/Olympus').replace('locale: en_US.UTF-8', 'locale: en_US.UTF8').replace('keyboard: us', 'keyboard: uss'))
  const r = runCli(['validate', inv])
  assert.is(r.status, 2)
  assert.match(r.stderr, /error\[UNKNOWN_TIMEZONE\] cluster\.timezone: unknown time zone "Mars\/Olympus"/)
  assert.match(r.stderr, /error\[UNKNOWN_LOCALE\] cluster\.locale: unknown locale "en_US\.UTF8" \(did you mean "en_US\.UTF-8"\?\)/)
  assert.match(r.stderr, /error\[UNKNOWN_KEYBOARD\] cluster\.keyboard: unknown keyboard layout "uss" \(did you mean "us"\?\)/)
  const ok = inventory(dir, example.replace('timezone: UTC', 'timezone: Asia/Seoul').replace('locale: en_US.UTF-8', 'locale: ko_KR.UTF-8').replace('keyboard: us', 'keyboard: kr'))
  assert.is(runCli(['validate', ok]).status, 0)
})

test('8. positional file, help, -h, did-you-mean, completion', () => {
  const v = runCli(['validate', exampleInventory])
  assert.is(v.status, 0, v.stderr)
  assert.match(v.stdout, /valid \(3 nodes\)/)
  const help = runCli(['help', 'render'])
  assert.is(help.status, 0, help.stderr)
  assert.match(help.stdout, /USAGE\n\s+\$ bai-seed render/)
  const h = runCli(['render', '-h'])
  assert.is(h.status, 0, h.stderr)
  assert.is(h.stdout, help.stdout)
  const typo = runCli(['rendr'])
  assert.is(typo.status, 2)
  assert.match(typo.stderr, /^error\[UNKNOWN_COMMAND\] unknown command "rendr" \(did you mean "render"\?\)/)
  for (const shell of ['bash', 'zsh']) {
    const c = runCli(['completion', shell])
    assert.is(c.status, 0, c.stderr)
    assert.match(c.stdout, /complete -o filenames -F _bai_seed_complete bai-seed/)
  }
  // bash completes the command, a subcommand and a flag.
  const script = runCli(['completion', 'bash']).stdout
  const complete = (words: string[]): string =>
    spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bai_seed_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout
  assert.is(complete(['bai-seed', 'ren']), 'render\n')
  assert.is(complete(['bai-seed', 'profiles', 'sh']), 'show\n')
  assert.match(complete(['bai-seed', 'render', '--po']), /--power-off-when-done/)
})

test('9. --node takes a comma list and repeats', () => {
  const dir = tempDir('newcomer')
  const a = runCli(['render', exampleInventory, '-o', join(dir, 'a'), '--no-iso', '--node', 'bai-a01,bai-a02'])
  assert.is(a.status, 0, a.stderr)
  assert.match(a.stdout, /rendered 2 node/)
  const b = runCli(['render', exampleInventory, '-o', join(dir, 'b'), '--no-iso', '--node', 'bai-a01', '--node', 'bai-m1'])
  assert.match(b.stdout, /rendered 2 node/)
})

test('10. plan for review: no secret needed, sources shown, auto resolved, each value once; --diff', () => {
  const plan = runCli(['plan', join(fixtures, 'single-node.yaml')], { BAI_TEST_PASSWORD: '' })
  assert.is(plan.status, 0, plan.stderr)
  assert.match(plan.stdout, /apt: http:\/\/apt\.lab\.internal\/ubuntu {2}<- inventory mirrors\.apt/)
  assert.match(plan.stdout, /proxy: http:\/\/proxy\.lab\.internal:3128 {2}<- inventory mirrors\.proxy/)
  assert.match(plan.stdout, /password: environment variable BAI_TEST_PASSWORD, hashed at render time/)
  const ex = runCli(['plan', exampleInventory, '--node', 'bai-a01']).stdout
  assert.match(ex, /python\.version = "auto" -> "3\.12\.\d+" {2}<- base/)
  const keys = ex.split('\n').filter((l) => / = .* <- /.test(l)).map((l) => l.trim().split(' = ')[0])
  assert.equal(keys.length, new Set(keys).size, 'each setting once')

  const out = join(tempDir('newcomer'), 'out')
  assert.is(runCli(['render', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const same = runCli(['plan', exampleInventory, '--diff', '-o', out])
  assert.is(same.status, 0, same.stderr)
  assert.is(same.stdout, 'bai-m1: unchanged\nbai-a01: unchanged\nbai-a02: unchanged\n')
  const changed = join(tempDir('newcomer'), 'c.yaml')
  writeFileSync(changed, example.replace('roles: [agent-gpu]\n    comment: agent node 02', 'roles: [agent-gpu]\n    overrides: {sysctl: {values: {vm.swappiness: 10}}}\n    comment: agent node 02'))
  const diff = runCli(['plan', changed, '--diff', '-o', out])
  assert.match(diff.stdout, /bai-a02: would change .*provision\.sh/)
  assert.match(diff.stdout, /steps that run again on a provisioned node: sysctl\n/)
  assert.match(diff.stdout, /bai-a01: unchanged/)
})

test('11. profiles show prints the sources and names the folder of each profile in the chain', () => {
  const dir = tempDir('newcomer')
  mkdirSync(join(dir, 'site'))
  writeFileSync(join(dir, 'site', 'agent-gpu.yaml'), 'description: "site"\nextends: [agent-gpu]\nsettings:\n  images:\n    pull+: [site/tool:1.0]\n')
  const r = runCli(['profiles', 'show', 'agent-gpu', '--profiles', 'site'], {}, dir)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^# agent-gpu: resolved from base -> agent -> agent-gpu -> agent-gpu \(\.\/site\)\n/)
  assert.match(r.stdout, /^nvidia\.enabled = true {2}<- agent-gpu$/m)
  assert.match(r.stdout, /^images\.pull = \[.*"site\/tool:1\.0"\] {2}<- agent-gpu \(\.\/site\)$/m)
})

test('13. YAML slips are reported where they are, with what to do', () => {
  const dir = tempDir('newcomer')
  const cases: [string, string, RegExp][] = [
    ['search: [cluster.internal]', 'search:\t[cluster.internal]', /:15:10: error\[YAML_SYNTAX\] \(root\): a tab character/],
    ['  - hostname: bai-a02', '  - hostname:bai-a02', /:44:5: error\[YAML_SYNTAX\] \(root\): "hostname:" needs a space after the colon/],
    ['roles: [manager]', 'roles: [manager', /:37:12: error\[YAML_SYNTAX\] \(root\): this "\[" is never closed/],
    ['  name: bai-example', '  name: !!int "5"', /error\[SCHEMA_TYPE\] cluster\.name: expected a string, got the number 5: the tag !!int makes it so; remove the tag/],
  ]
  for (const [from, to, expected] of cases) {
    assert.ok(example.includes(from), from)
    const r = runCli(['validate', inventory(dir, example.replace(from, to))])
    assert.is(r.status, 2, to)
    assert.match(r.stderr, expected, r.stderr)
  }
  // A broken profile: its own error, once; not an unknown role on every node that uses it.
  mkdirSync(join(dir, 'site'))
  writeFileSync(join(dir, 'site', 'agent-gpu.yaml'), 'description: "x"\nextends: [agent-gpu]\nsettings:\n  imagez: {}\n')
  const broken = runCli(['validate', exampleInventory, '--profiles', join(dir, 'site')])
  assert.is(broken.status, 2)
  assert.match(broken.stderr, /agent-gpu\.yaml:4:3: error\[SCHEMA_UNKNOWN_KEY\]/)
  assert.not.match(broken.stderr, /UNKNOWN_ROLE/)
  const unknown = runCli(['validate', inventory(dir, example.replace('roles: [manager]', 'roles: [site-manager]'))])
  assert.match(unknown.stderr, /unknown role "site-manager".*a profile of your own\? name its folder under "profiles:" or pass --profiles DIR/)
})

/**
 * The example's cloud-init/user-data fits 16 KiB (gzip); a manager naming 1,000 agents in /etc/hosts
 * (`hosts: {scope: all}`) does not.
 */
function overSixteenKiB(dir: string): string {
  const lines = [
    'cluster: {name: big, domain: big.internal, release: "24.09"}',
    'network: {subnet: 10.30.0.0/16, gateway: 10.30.0.1, dns: [10.30.0.1]}',
    'storage: {type: nfs, server: 10.30.0.5, exports: [{name: data, path: /export/data}]}',
    'ssh: {authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ2cI1H6kh3Z5rZpVfXhR0eU1rEjYmZxI9u0nJpZb3r op@example"]}',
    'nodes:',
    '  - {hostname: mgr-0001, ip: 10.30.0.10/16, roles: [manager], overrides: {hosts: {scope: all}}}',
  ]
  for (let i = 0; i < 1000; i++) lines.push(`  - {hostname: cpu-${String(i).padStart(4, '0')}, ip: 10.30.${1 + Math.floor(i / 200)}.${10 + (i % 200)}/16, roles: [agent]}`)
  return inventory(dir, lines.join('\n') + '\n')
}

test('14. the 16 KiB note comes once per output folder', () => {
  const dir = tempDir('newcomer')
  const out = join(dir, 'out')
  const big = overSixteenKiB(dir)
  const first = runCli(['render', big, '-o', out, '--no-iso', '--node', 'mgr-0001'])
  assert.is(first.status, 0, first.stderr)
  assert.is(first.stderr.match(/EC2 accepts at most 16 KiB/g)?.length, 1, first.stderr)
  const again = runCli(['render', big, '-o', out, '--no-iso', '--node', 'mgr-0001'])
  // Only the 16 KiB note goes; notes about the inputs (a node's Ubuntu release) come on every render.
  const withoutSizeNote = first.stderr.split('\n').filter((l) => !/EC2 accepts at most 16 KiB/.test(l)).join('\n')
  assert.is(again.stderr, withoutSizeNote, 'said already for this folder')
})

test('14. a missing password variable is reported once', () => {
  const r = runCli(['render', join(fixtures, 'single-node.yaml'), '-o', join(tempDir('newcomer'), 'out')], { BAI_TEST_PASSWORD: '' })
  assert.is(r.status, 2)
  assert.is(r.stderr.match(/BAI_TEST_PASSWORD/g)!.length, 1, r.stderr)
})

test('15. no [default: ] on list flags; init writes a relative $schema; pxe warns about loopback', () => {
  const help = runCli(['render', '--help']).stdout
  assert.not.match(help, /\[default: \]/)
  const dir = tempDir('newcomer')
  assert.is(runCli(['init', '-c', join(dir, 'cluster.yaml')]).status, 0)
  const first = readFileSync(join(dir, 'cluster.yaml'), 'utf8').split('\n')[0]!
  const ref = first.replace('# yaml-language-server: $schema=', '')
  assert.ok(!ref.startsWith('/'), first)
  assert.ok(existsSync(join(dir, ref)), `${ref} resolves from the inventory's folder`)
  const out = join(dir, 'out')
  const pxe = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', 'http://127.0.0.1:8080/'])
  assert.match(pxe.stderr, /warning\[PXE_LOOPBACK\] --http-base http:\/\/127\.0\.0\.1:8080\/ is a loopback address/)
  void repoRoot
})

test.run()
