// Ubuntu details from the review (issue 22): needrestart restarts nothing during a run, 22.04/24.04 autoinstall stops
// on an unreachable archive (apt fallback: abort; 20.04's installer has no such key), every package install works
// from fresh lists (nfs-server and the ubuntu-drivers path included), the installed compact copy answers --help, and
// the docker group is a system group on the cloud-init path as in the script. Script behaviour is proven by running
// the rendered functions with stub commands on PATH that record what they were called with.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { readUserData } from '../helpers/user-data.js'
import { writeFileText, type WriteFile } from '../helpers/write-files.js'
import { requireMaterial, run } from '../helpers/tools.js'
import { upstreamSchemasDir } from '../helpers/upstream-schemas.js'
import { existsSync } from 'node:fs'
import { TARGET_IDS, osTarget } from '../../src/targets/os-targets.js'

let example: string | undefined
const exampleOut = async (): Promise<string> => (example ??= await renderFixture(exampleInventory))
let targets: string | undefined
const targetsOut = async (): Promise<string> => (targets ??= await renderFixture(join(fixtures, 'targets.yaml')))

/** Runs CALL with the rendered script's definitions (without main) sourced, STUBS first on PATH; CALLS logs every stub call. */
function runFunction(script: string, call: string, stubs: Record<string, string>): { status: number | null; out: string; calls: string[] } {
  const dir = tempDir('details')
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  const log = join(dir, 'calls')
  writeFileSync(log, '')
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/bash\nprintf '%s\\n' "${name} $*" >>${log}\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  const lib = script.replace(/^main "\$@"$/m, '').replace(/^export PATH=.*$/m, '')
  writeFileSync(join(dir, 'lib.sh'), lib)
  const state = join(dir, 'state')
  mkdirSync(state)
  const r = run('bash', ['-c', `PATH=${bin}:$PATH; source ${join(dir, 'lib.sh')}; STATE_DIR=${state}; BAI_SEED_RETRY_DELAY=0; sleep() { :; }; ${call}`])
  return { status: r.status, out: r.stdout + r.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) }
}

const script = async (node: string): Promise<string> => readFileSync(join(await exampleOut(), node, 'provision.sh'), 'utf8')
const aptCalls = (calls: string[]): string[] => calls.filter((c) => c.startsWith('apt-get ')).map((c) => c.replace(/^apt-get -o DPkg::Lock::Timeout=\d+ /, ''))

test('needrestart: the script exports NEEDRESTART_SUSPEND=1 and NEEDRESTART_MODE=l, and apt sees them', async () => {
  const text = await script('bai-a01')
  assert.match(text, /^export NEEDRESTART_SUSPEND=1 NEEDRESTART_MODE=l$/m)
  const r = runFunction(text, 'apt_install curl', { 'apt-get': 'echo "apt env: SUSPEND=$NEEDRESTART_SUSPEND MODE=$NEEDRESTART_MODE"' })
  assert.is(r.status, 0, r.out)
  assert.match(r.out, /apt env: SUSPEND=1 MODE=l/)
})

test('autoinstall apt fallback: abort on 22.04 and 24.04, left out on 20.04 (its installer and schema do not know it)', async () => {
  const file = (f: string): string => join(upstreamSchemasDir, `subiquity-autoinstall-${f}.json`)
  if (!requireMaterial(['focal', 'latest'].filter((f) => !existsSync(file(f))).map((f) => `${file(f)} is missing`))) {
    // The upstream schemas: only the newer subiquity has the key (the focal-era one would silently ignore it).
    assert.ok(JSON.parse(readFileSync(file('latest'), 'utf8')).properties.apt.properties.fallback.enum.includes('abort'))
    assert.is(JSON.parse(readFileSync(file('focal'), 'utf8')).properties.apt.properties.fallback, undefined)
  }
  const out = await targetsOut()
  const seen = new Set<string>()
  for (const node of ['t-focal', 't-jammy', 't-noble']) {
    const ai = load(readFileSync(join(out, node, 'autoinstall', 'user-data'), 'utf8')) as { autoinstall: { apt: Record<string, unknown> } }
    const id = node === 't-focal' ? 'ubuntu-20.04' : node === 't-jammy' ? 'ubuntu-22.04' : 'ubuntu-24.04'
    seen.add(id)
    if (osTarget(id).autoinstall.aptFallbackAbort) assert.is(ai.autoinstall.apt.fallback, 'abort', node)
    else assert.not.ok('fallback' in ai.autoinstall.apt, node)
  }
  assert.equal([...seen].sort(), [...TARGET_IDS].sort())
  assert.equal(TARGET_IDS.filter((id) => osTarget(id).autoinstall.aptFallbackAbort), ['ubuntu-22.04', 'ubuntu-24.04'])
})

const installedNothing = { 'dpkg-query': 'exit 1' }

test('apt_install updates stale or missing lists first, not fresh ones; again after an apt source changed', async () => {
  const text = await script('bai-a01')
  const ok = { 'apt-get': 'exit 0', ...installedNothing }
  // No lists fetched by this script yet (a golden or cloud image): update, then install.
  const first = runFunction(text, 'apt_install curl && apt_install jq', ok)
  assert.is(first.status, 0, first.out)
  assert.equal(aptCalls(first.calls), ['update -q', 'install -y -q --no-install-recommends curl', 'install -y -q --no-install-recommends jq'])
  // Lists older than the limit: updated again.
  const stale = runFunction(text, 'apt_update >/dev/null; touch -d "2 hours ago" "$STATE_DIR/apt-lists.stamp"; apt_install curl', ok)
  assert.equal(aptCalls(stale.calls), ['update -q', 'update -q', 'install -y -q --no-install-recommends curl'])
  // An apt source written after the last update (a new repository or mirror): updated again.
  const dir = tempDir('sources')
  const list = join(dir, 'docker.list')
  writeFileSync(list, 'deb http://mirror.invalid/ focal stable\n')
  const changed = runFunction(text, `APT_SOURCE_PATHS=(${dir}); apt_update >/dev/null; touch -d "1 minute ago" "$STATE_DIR/apt-lists.stamp"; touch ${list}; apt_install curl`, ok)
  assert.equal(aptCalls(changed.calls), ['update -q', 'update -q', 'install -y -q --no-install-recommends curl'])
  utimesSync(list, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000))
  const same = runFunction(text, `APT_SOURCE_PATHS=(${dir}); apt_update >/dev/null; apt_install curl`, ok)
  assert.equal(aptCalls(same.calls), ['update -q', 'install -y -q --no-install-recommends curl'])
})

test('apt_install: a failed install is tried again after an update; a failed update is a failure with a reason', async () => {
  const text = await script('bai-a01')
  const flaky = `n=$(cat "$0.n" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.n"
    if [[ $* == *install* ]] && ((n < 2)); then echo "E: Failed to fetch http://mirror/pool/x.deb 404 Not Found"; exit 100; fi; exit 0`
  const r = runFunction(text, 'apt_update >/dev/null; apt_install curl && echo installed', { 'apt-get': flaky })
  assert.match(r.out, /installed/)
  assert.equal(aptCalls(r.calls), ['update -q', 'install -y -q --no-install-recommends curl', 'update -q', 'install -y -q --no-install-recommends curl'])
  const down = runFunction(text, 'apt_install curl || echo failed', { 'apt-get': '[[ $* == *update* ]] && { echo "E: Failed to fetch http://mirror/dists/focal/InRelease"; exit 100; }; exit 0' })
  assert.match(down.out, /apt-get update failed: no network, or the apt mirror or proxy is unreachable\n[\s\S]*failed/)
  assert.not.ok(aptCalls(down.calls).some((c) => c.startsWith('install')), 'installed from stale lists')
})

test('nfs-server and the ubuntu-drivers path install from fresh lists (update before install)', async () => {
  const out = await renderFixture(join(fixtures, 'nfs-server.yaml'))
  const nfs = readFileSync(join(out, 'bai-s1', 'provision.sh'), 'utf8')
  const r = runFunction(nfs, `mkdir -p ${tempDir('exp')}; ROOT=''; step_nfs_server || true`, { 'apt-get': 'exit 0', systemctl: 'exit 0', exportfs: 'exit 0', ...installedNothing })
  assert.equal(aptCalls(r.calls).slice(0, 2), ['update -q', 'install -y -q --no-install-recommends nfs-kernel-server'], r.out)
  const gpu = await script('bai-a01')
  assert.match(gpu, /ubuntu-drivers install --gpgpu "\$package"/)
  const d = runFunction(gpu, 'step_nvidia_driver', {
    'apt-get': 'exit 0',
    'ubuntu-drivers': 'exit 0',
    // Nothing loaded before (nvidia-smi -L fails); afterwards the headless driver and its utils are installed.
    'nvidia-smi': '[[ $1 == -L ]] && exit 1; exit 0',
    'dpkg-query': `if [[ $* == *'\${Package}'* ]]; then printf "nvidia-headless-no-dkms-535-server install ok installed\\n"; elif [[ $* == *nvidia-utils-535-server* ]]; then printf "install ok installed"; fi; exit 0`,
  })
  assert.is(d.status, 0, d.out)
  const order = d.calls.filter((c) => c.startsWith('apt-get') || c.startsWith('ubuntu-drivers install')).map((c) => c.replace(/^apt-get -o DPkg::Lock::Timeout=\d+ /, 'apt-get '))
  assert.equal(order, ['apt-get update -q', 'apt-get install -y -q --no-install-recommends ubuntu-drivers-common',
    'ubuntu-drivers install --gpgpu nvidia:535-server', 'apt-get install -y -q --no-install-recommends nvidia-utils-535-server'])
})

test('every package install of every rendered step goes through apt_install (which refreshes the lists)', async () => {
  for (const node of ['bai-m1', 'bai-a01', 'bai-a02']) {
    const text = await script(node)
    const code = text.split('\n').filter((l) => !/^\s*#/.test(l))
    const direct = code.filter((l) => /\bapt_get install\b/.test(l)).map((l) => l.trim())
    // Only apt_install itself calls apt_get install.
    assert.equal(direct, ['apt_get install -y -q --no-install-recommends "$@" && return 0', 'retry 2 apt_get install -y -q --no-install-recommends "$@"'], node)
  }
})

test('--help of the installed compact copy (from user-data) prints the usage and the steps; exit 0', async () => {
  const out = await exampleOut()
  for (const file of ['cloud-init/user-data', 'autoinstall/user-data']) {
    let cc = load(readUserData(join(out, 'bai-a01', file))) as Record<string, any>
    if (cc.autoinstall) cc = cc.autoinstall['user-data']
    const wf = (cc.write_files as WriteFile[]).find((f) => f.path === '/usr/local/sbin/bai-seed-provision')!
    const compact = writeFileText(wf)
    assert.not.match(compact, /^# Usage:/m, 'the compact copy has no comments')
    const path = join(tempDir('help'), 'bai-seed-provision')
    writeFileSync(path, compact)
    for (const arg of ['--help', '-h']) {
      const r = run('bash', [path, arg])
      assert.is(r.status, 0, r.stderr)
      assert.match(r.stdout, /^Usage: provision\.sh \[--only IDS\]/)
      assert.match(r.stdout, /^ {2}--status {17}print the state of the last run/m)
      assert.match(r.stdout, /^Steps of bai-a01:\n {2}user {13}Create the service account\n/m)
      assert.match(r.stdout, /^ {2}nvidia-driver {4}/m)
    }
    const bad = run('bash', [path, '--bogus'])
    assert.is(bad.status, 2)
    assert.match(bad.stderr, /unknown option: --bogus\nUsage: provision\.sh/)
  }
})

test('the docker group is a system group on every path: cloud-init bootcmd before users, and the user step', async () => {
  const out = await exampleOut()
  for (const file of ['cloud-init/user-data', 'autoinstall/user-data']) {
    let cc = load(readUserData(join(out, 'bai-a01', file))) as Record<string, any>
    if (cc.autoinstall) cc = cc.autoinstall['user-data']
    assert.ok(cc.users[0].groups.includes('docker'))
    // Run the bootcmd entries as cloud-init would (sh -c), with getent saying no group exists yet.
    const dir = tempDir('bootcmd')
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    for (const name of ['getent', 'groupadd']) {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >>${dir}/calls\n[ ${name} = groupadd ]\n`)
      chmodSync(join(bin, name), 0o755)
    }
    for (const cmd of cc.bootcmd as string[][]) {
      assert.equal(cmd.slice(0, 2), ['sh', '-c'])
      assert.is(run('sh', ['-c', `PATH=${bin}:$PATH; ${cmd[2]}`]).status, 0)
    }
    const calls = readFileSync(join(dir, 'calls'), 'utf8')
    assert.match(calls, /^groupadd --gid 1100 bai$/m)
    assert.match(calls, /^groupadd --system docker$/m, calls)
    assert.match(calls, /^groupadd --system sudo$/m)
  }
  const text = await script('bai-a01')
  const r = runFunction(text, 'step_user || true', {
    getent: '[[ $1 == group && $2 == bai ]] && { echo bai:x:1100:; exit 0; }; exit 2',
    groupadd: 'exit 0', useradd: 'exit 0', usermod: 'exit 0', install: 'exit 0', id: 'exit 1', chown: 'exit 0',
  })
  assert.ok(r.calls.includes('groupadd --system docker'), r.calls.join('\n'))
  assert.not.ok(r.calls.some((c) => /^groupadd (--gid|-g) \d+ docker/.test(c)))
})

test.run()
