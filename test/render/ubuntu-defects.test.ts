// Defects that break or stall a first boot on real Ubuntu machines: uid as a string for older cloud-init, no
// `producer | grep -q` / `| head` under pipefail, apt waits for its lock, the unit does not hold boot up and retries a
// failed run, cloud-init leaves /etc/hosts alone, ubuntu-drivers' outcome is checked.
import { test } from 'uvu'
import { readUserData } from '../helpers/user-data.js'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'
import { renderUnit } from '../../src/render/script/unit.js'

let out: string | undefined
let single: string | undefined
async function example(): Promise<string> {
  out ??= await renderFixture(exampleInventory)
  return out
}
async function singleNode(): Promise<string> {
  single ??= await renderFixture(join(fixtures, 'single-node.yaml'), { env: { BAI_TEST_PASSWORD: 'pw' } })
  return single
}

async function cloudConfigs(): Promise<{ label: string; cc: Record<string, any> }[]> {
  const list = []
  for (const [dir, node] of [[await example(), 'bai-a01'], [await singleNode(), 'bai-all']] as const) {
    const cc = load(readUserData(join(dir, node, 'cloud-init', 'user-data'))) as Record<string, any>
    const ai = load(readFileSync(join(dir, node, 'autoinstall', 'user-data'), 'utf8')) as Record<string, any>
    list.push({ label: `${node} cloud-init`, cc }, { label: `${node} autoinstall`, cc: ai.autoinstall['user-data'] })
  }
  return list
}

test('users: uid is a YAML string (cloud-init < 22.2 drops an integer uid), no numeric user option left', async () => {
  for (const { label, cc } of await cloudConfigs()) {
    const user = cc.users[0]
    assert.is(user.uid, '1100', label)
    for (const [k, v] of Object.entries(user)) assert.is.not(typeof v, 'number', `${label}: users[0].${k} is a number`)
  }
})

test('cloud-init does not manage /etc/hosts (it would drop the block at each boot)', async () => {
  for (const { label, cc } of await cloudConfigs()) assert.is(cc.manage_etc_hosts, false, label)
})

async function scripts(): Promise<[string, string][]> {
  return [
    ['bai-a01', readFileSync(join(await example(), 'bai-a01', 'provision.sh'), 'utf8')],
    ['bai-m1', readFileSync(join(await example(), 'bai-m1', 'provision.sh'), 'utf8')],
    ['bai-all', readFileSync(join(await singleNode(), 'bai-all', 'provision.sh'), 'utf8')],
  ]
}

/** Script lines without comments. */
const code = (text: string): string[] => text.split('\n').filter((l) => !/^\s*#/.test(l))

test('no pipeline into grep -q / grep -m / head (SIGPIPE under pipefail) in any rendered script', async () => {
  for (const [node, text] of await scripts()) {
    for (const line of code(text)) {
      assert.not.match(line, /\|\s*(grep\s+(-\w*[qm]|--quiet|--max-count)|head\b)/, `${node}: ${line}`)
    }
  }
})

test('every apt-get goes through apt_get (dpkg lock timeout), and no dpkg -i', async () => {
  for (const [node, text] of await scripts()) {
    assert.match(text, /apt-get -o "DPkg::Lock::Timeout=\$APT_LOCK_WAIT" "\$@"/)
    const lines = code(text)
    // apt-get as a command word (not inside a message): at the start, after ; & | ( or after retry N.
    const calls = lines.filter((l) => /(^\s*|[;&|(]\s*|\bretry \d+ )apt-get\b/.test(l))
    assert.equal(calls.map((l) => l.trim()), ['apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT" "$@"'], node)
    assert.not.ok(lines.some((l) => /\bdpkg\s+(-i|--install)\b/.test(l)), `${node}: dpkg -i`)
  }
})

/** Runs FUNCTION of a rendered script (its definitions, without main) with STUBS on PATH. */
function runFunction(script: string, call: string, stubs: Record<string, string>): { status: number | null; stdout: string } {
  const dir = tempDir('stubs')
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  const lib = script.replace(/^main "\$@"$/m, '').replace(/^export PATH=.*$/m, '')
  writeFileSync(join(dir, 'lib.sh'), lib)
  const r = run('bash', ['-c', `PATH=${bin}:$PATH; source ${join(dir, 'lib.sh')}; STATE_DIR=${dir}; ${call}`])
  return { status: r.status, stdout: r.stdout + r.stderr }
}

test('output_has reads the whole output: 50 checks against a 226 KB producer under pipefail all succeed', async () => {
  const [, text] = (await scripts())[0]!
  const producer = 'for ((i = 0; i < 4000; i++)); do printf "\\tlibfoo%04d.so.1 (libc6,x86-64) => /usr/lib/libfoo%04d.so.1\\n" $i $i; done; printf "\\tlibnvidia-ml.so.1 => /usr/lib/x\\n"'
  const body = `ok=0; for ((n = 0; n < 50; n++)); do output_has 'libfoo0000\\.so' ldconfig -p && ok=$((ok + 1)); done; echo "ok=$ok"
    output_has 'libnvidia-ml\\.so\\.1' ldconfig -p && echo found-last; output_has nothing-like-this ldconfig -p || echo absent`
  const r = runFunction(text, body, { ldconfig: producer })
  assert.match(r.stdout, /ok=50\nfound-last\nabsent/, r.stdout)
  // The check can fail: the old form loses to SIGPIPE on this producer.
  const old = runFunction(text, `bad=0; for ((n = 0; n < 20; n++)); do ldconfig -p | grep -q 'libfoo0000\\.so' || bad=$((bad + 1)); done; echo "bad=$bad"`, { ldconfig: producer })
  assert.not.match(old.stdout, /bad=0\b/, 'the pipeline form did not fail here: the test proves nothing')
})

test('nvidia-driver: ubuntu-drivers exit 0 without an installed driver package is a failure', async () => {
  const [, text] = (await scripts())[0]!
  assert.match(text, /ubuntu-drivers install --gpgpu "\$package" \|\| fail .*\n\s*driver_installed \|\| fail "ubuntu-drivers install --gpgpu \$package ran but no NVIDIA driver package is installed/)
  assert.not.match(text, /only knows 'autoinstall'/)
  const none = runFunction(text, 'driver_installed && echo yes || echo no', { 'dpkg-query': 'echo "nvidia-driver-535 deinstall ok config-files"' })
  assert.match(none.stdout, /^no$/m)
  const some = runFunction(text, 'driver_installed && echo yes || echo no', { 'dpkg-query': 'printf "nvidia-driver-535-server install ok installed\\n"' })
  assert.match(some.stdout, /^yes$/m)
})

test('apt_update waits while another apt holds the lists lock, then goes on', async () => {
  const [, text] = (await scripts())[0]!
  const aptStub = `n=$(cat "$0.n" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.n"
    if ((n < 2)); then echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 42 (apt-get)"; exit 100; fi
    echo "Hit:1 http://mirror focal InRelease"; exit 0`
  const r = runFunction(text, 'sleep() { :; }; apt_update && echo updated', { 'apt-get': aptStub })
  assert.match(r.stdout, /apt is busy.*waiting[\s\S]*apt is busy[\s\S]*updated/)
})

test('bai-seed.service does not hold boot up, retries a failed run, and passes systemd-analyze verify', () => {
  const unit = renderUnit()
  assert.match(unit, /^Type=exec$/m)
  assert.not.match(unit, /oneshot/)
  assert.match(unit, /^Restart=on-failure$/m)
  assert.match(unit, /^RestartSec=5min$/m)
  assert.match(unit, /^RestartPreventExitStatus=2$/m)
  assert.match(unit, /^StartLimitIntervalSec=2h$/m)
  assert.match(unit, /^StartLimitBurst=10$/m)
  const dir = tempDir('unit')
  const file = join(dir, 'bai-seed.service')
  // verify needs the ExecStart binary to exist: point it at one that does.
  writeFileSync(file, unit.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'))
  const r = run('systemd-analyze', ['verify', '--man=no', file])
  assert.not.match(r.stderr, /bai-seed\.service:\d+:/, r.stderr)
})

test.run()
