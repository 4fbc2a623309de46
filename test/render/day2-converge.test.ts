// Day-2 changes converge (issue 22): for each step, a node provisioned by the script of the old settings and then
// run with the script of the new ones ends in the same state as a fresh run of the new script, in both directions
// (a setting added, and taken away again), and the step says what it changed. File-writing steps run whole scripts
// under --root; the others run their step function against a scratch root with the real shadow tools (--prefix)
// and stub commands on PATH that keep a small fake system (packages, mounts, Python) in files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { dump, load } from 'js-yaml'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

type Inventory = Record<string, any>

/** Renders the example inventory changed by `edit`; returns bai-a01's provision.sh text and its path. */
async function variant(edit: (inv: Inventory) => void): Promise<{ text: string; path: string }> {
  const inv = load(readFileSync(exampleInventory, 'utf8')) as Inventory
  edit(inv)
  const file = join(tempDir('day2-inv'), 'cluster.yaml')
  writeFileSync(file, dump(inv))
  const out = await renderFixture(file)
  const path = join(out, 'bai-a01', 'provision.sh')
  return { text: readFileSync(path, 'utf8'), path }
}
const a01 = (inv: Inventory): Inventory => inv.nodes.find((n: Inventory) => n.hostname === 'bai-a01')

/** Files (mode, owner, content) and folders under `root`, without the run's own state and log. */
function snapshot(root: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      const rel = relative(root, p)
      if (rel.startsWith('var/lib/bai-seed') || rel.startsWith('var/log') || rel.startsWith('state') || skip(rel)) continue
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else out[rel] = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${readFileSync(p, 'utf8').replaceAll(root, '<root>')}`
    }
  }
  walk(root)
  return out
}

interface StepRun { status: number | null; out: string }

/**
 * Runs the step function FN of SCRIPT (its definitions sourced, main left out) as run_step would (errexit, in a
 * subshell), with ROOT and the state folder in `root`, and STUBS first on PATH. `prelude` runs before it (function
 * stubs). The state folder stays between runs, as on a node.
 */
function runStep(script: string, fn: string, root: string, stubs: Record<string, string>, prelude = ''): StepRun {
  const bin = join(root, '..', `bin-${relative(join(root, '..'), root)}`)
  mkdirSync(bin, { recursive: true })
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/bash\nFAKE=${root}\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  const lib = join(root, '..', `lib-${Math.random().toString(36).slice(2)}.sh`)
  writeFileSync(lib, script.replace(/^main "\$@"$/m, '').replace(/^export PATH=.*$/m, ''))
  mkdirSync(join(root, 'state'), { recursive: true })
  const call = `PATH=${bin}:$PATH; source ${lib}; ROOT=${root}; ROOT_REAL=${root}; STATE_DIR=${root}/state; BAI_SEED_RETRY_DELAY=0
    sleep() { :; }; ${prelude}
    ( set -e; ${fn} )`
  const r = run('bash', ['-c', call])
  return { status: r.status, out: r.stdout + r.stderr }
}

/**
 * Old then new on one root, and new alone on another: both end the same (per `snapshot`), both runs succeed. Returns
 * the output of the new script's run on the old state (what the step says it changed).
 */
function converges(label: string, oldScript: string, newScript: string, fn: string, setup: (root: string) => void,
  stubs: Record<string, string>, state: (root: string) => unknown, prelude = ''): string {
  const base = tempDir('day2')
  const upgraded = join(base, 'upgraded')
  const fresh = join(base, 'fresh')
  for (const r of [upgraded, fresh]) {
    mkdirSync(r)
    setup(r)
  }
  const first = runStep(oldScript, fn, upgraded, stubs, prelude)
  assert.is(first.status, 0, `${label}: old script\n${first.out}`)
  const second = runStep(newScript, fn, upgraded, stubs, prelude)
  assert.is(second.status, 0, `${label}: new script on the old state\n${second.out}`)
  const clean = runStep(newScript, fn, fresh, stubs, prelude)
  assert.is(clean.status, 0, `${label}: new script, fresh\n${clean.out}`)
  assert.equal(state(upgraded), state(fresh), label)
  return second.out
}

// --- the service account: real useradd/usermod/groupadd against a scratch /etc (--prefix) -----------------------

function accountsRoot(root: string): void {
  mkdirSync(join(root, 'etc'), { recursive: true })
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n')
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nsudo:x:27:\n')
  writeFileSync(join(root, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 })
  writeFileSync(join(root, 'etc', 'gshadow'), 'root:*::\nsudo:*::\n', { mode: 0o640 })
}

const accountStubs: Record<string, string> = {
  groupadd: 'exec /usr/sbin/groupadd --prefix "$FAKE" "$@"',
  useradd: 'exec /usr/sbin/useradd --prefix "$FAKE" "$@"',
  usermod: 'exec /usr/sbin/usermod --prefix "$FAKE" "$@"',
  getent: `awk -F: -v k="$2" '$1 == k { print; f = 1 } END { exit f ? 0 : 2 }' "$FAKE/etc/$1"`,
  id: `line=$(awk -F: -v k="$2" '$1 == k' "$FAKE/etc/passwd"); [[ -n $line ]] || exit 1
    IFS=: read -r _ _ uid gid _ <<<"$line"
    pg=$(awk -F: -v g="$gid" '$3 == g { print $1; exit }' "$FAKE/etc/group")
    case $1 in
      -u) echo "$uid" ;;
      -g) echo "$gid" ;;
      -gn) echo "$pg" ;;
      -nG) echo "$pg" $(awk -F: -v u="$2" '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) print $1 }' "$FAKE/etc/group") ;;
    esac`,
  visudo: 'exit 0',
}

/** The account as the system sees it: passwd/group/shadow lines of bai, its groups, and its files. */
function accountState(root: string): unknown {
  const lines = (f: string): string[] => readFileSync(join(root, 'etc', f), 'utf8').split('\n').filter((l) => l && !l.startsWith('root:'))
  return {
    passwd: lines('passwd'),
    group: lines('group'),
    shadow: lines('shadow').map((l) => l.split(':').slice(0, 2).join(':')),
    files: snapshot(root, (rel) => rel.startsWith('etc/passwd') || rel.startsWith('etc/group') || rel.startsWith('etc/shadow') || rel.startsWith('etc/gshadow') || rel.startsWith('bin-') || rel.startsWith('lib-')),
    home: ['/home/bai', '/srv/bai'].map((h) => existsSync(join(root, h)) && `${h} ${(statSync(join(root, h)).mode & 0o7777).toString(8)} ${statSync(join(root, h)).uid}`),
  }
}

const HASH = '$6$day2salt$5fsu/Tm4ricfe90lsmf3S9kIIUxPrOmvoPbw9SyIREUDsGB4C2AcyBITsJzE0Xp887x.Vp8F5zTyWUyDJ2l3i.'
const OTHER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFANxGTcHyFTnGpkRnsvNYlXzfth6LP/VTro2zpwEqXT ops@example'

test('user: groups taken off the list are left (sudo), shell, comment, home, password, sudoers and keys follow', async () => {
  const before = await variant(() => {})
  const after = await variant((inv) => {
    inv.password = { hash: HASH }
    inv.ssh.authorized_keys = [OTHER_KEY]
    a01(inv).overrides = { user: { groups: ['docker'], shell: '/bin/sh', gecos: 'Backend.AI service', home: '/srv/bai' } }
  })
  const said = converges('user: example -> changed', before.text, after.text, 'step_user', accountsRoot, accountStubs, accountState)
  assert.match(said, /removed bai from the groups no longer listed: sudo/)
  assert.match(said, /changed the shell of bai: \/bin\/bash -> \/bin\/sh/)
  assert.match(said, /moved the home of bai: \/home\/bai -> \/srv\/bai/)
  assert.match(said, /set the password of bai from its hash/)
  assert.match(said, /removed \/etc\/sudoers\.d\/90-bai-seed/)
  const back = converges('user: changed -> example', after.text, before.text, 'step_user', accountsRoot, accountStubs, accountState)
  assert.match(back, /added bai to the groups: sudo/)
  assert.match(back, /locked the password of bai/)
  assert.match(back, /wrote \/etc\/sudoers\.d\/90-bai-seed/)
})

test('user: the account state of a converged run is the intended one (not merely equal to a fresh run)', async () => {
  const after = await variant((inv) => {
    a01(inv).overrides = { user: { groups: ['docker'], shell: '/bin/sh' } }
  })
  const root = join(tempDir('day2-user'), 'r')
  mkdirSync(root)
  accountsRoot(root)
  assert.is(runStep((await variant(() => {})).text, 'step_user', root, accountStubs).status, 0)
  assert.match(readFileSync(join(root, 'etc', 'group'), 'utf8'), /^sudo:x:27:bai$/m)
  const r = runStep(after.text, 'step_user', root, accountStubs)
  assert.is(r.status, 0, r.out)
  const group = readFileSync(join(root, 'etc', 'group'), 'utf8')
  assert.match(group, /^sudo:x:27:$/m)
  assert.match(group, /^docker:x:\d{3}:bai$/m, 'docker is a system group (gid below 1000) holding bai')
  assert.match(readFileSync(join(root, 'etc', 'passwd'), 'utf8'), /^bai:x:1100:1100:Backend\.AI:\/home\/bai:\/bin\/sh$/m)
})

// --- Docker: the repository source, daemon.json and the proxy drop-in --------------------------------------------

function dockerRoot(root: string): void {
  mkdirSync(join(root, 'var', 'lib', 'fake'), { recursive: true })
  writeFileSync(join(root, 'var', 'lib', 'fake', 'installed'), '')
}
const dockerStubs: Record<string, string> = {
  'dpkg-query': 'pkg=${*: -1}; grep -qx -- "$pkg" "$FAKE/var/lib/fake/installed" && printf "install ok installed"; exit 0',
  dpkg: 'echo amd64',
  'apt-get': `[[ $* == *' install '* ]] || exit 0
    for a in "$@"; do [[ $a == -* || $a == install || $a == DPkg* ]] || echo "$a" >>"$FAKE/var/lib/fake/installed"; done`,
  systemctl: 'echo "systemctl $*" >>"$FAKE/var/lib/fake/systemctl"',
  docker: 'exit 0',
  usermod: 'exit 0',
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]))
  return v
}
// The key download itself is tested elsewhere (pinned fingerprints): here it records which key it fetched.
const fakeFetchKey = 'fetch_key() { mkdir -p "$ROOT$(dirname "$2")"; printf "%s\\n" "$1" >"$ROOT$2"; }'
const dockerState = (root: string): unknown => {
  const s = snapshot(root, (rel) => rel.startsWith('bin-') || rel.startsWith('lib-') || rel === 'var/lib/fake/systemctl')
  // Docker reads daemon.json as JSON: the order of its keys is no part of the state.
  const daemon = join(root, 'etc', 'docker', 'daemon.json')
  if (existsSync(daemon)) s['etc/docker/daemon.json'] = JSON.stringify(sortKeys(JSON.parse(readFileSync(daemon, 'utf8'))))
  s['var/lib/fake/installed'] = [...new Set(readFileSync(join(root, 'var', 'lib', 'fake', 'installed'), 'utf8').split('\n').filter(Boolean))].sort().join(' ')
  return s
}

test('docker: a new mirror lands in docker.list although Docker is installed; daemon.json and the proxy follow', async () => {
  const before = await variant(() => {})
  const after = await variant((inv) => {
    inv.mirrors = { docker_apt: 'http://mirror.internal/docker-ce/linux/ubuntu', proxy: 'http://proxy.internal:3128' }
    a01(inv).overrides = { docker: { data_root: '/data/docker', log_max_size: '50m' } }
  })
  const said = converges('docker: example -> mirror', before.text, after.text, 'step_docker', dockerRoot, dockerStubs, dockerState, fakeFetchKey)
  assert.match(said, /wrote \/etc\/apt\/sources\.list\.d\/docker\.list/)
  assert.match(said, /Docker's packages now come from http:\/\/mirror\.internal\/docker-ce\/linux\/ubuntu/)
  assert.match(said, /wrote \/etc\/systemd\/system\/docker\.service\.d\/http-proxy\.conf/)
  const back = converges('docker: mirror -> example', after.text, before.text, 'step_docker', dockerRoot, dockerStubs, dockerState, fakeFetchKey)
  assert.match(back, /Docker's packages now come from https:\/\/download\.docker\.com\/linux\/ubuntu/)
  assert.match(back, /removed Docker's proxy settings/)
  // Docker installed without any apt source of ours (a golden image): left alone, no download.
  const root = join(tempDir('day2-docker'), 'r')
  mkdirSync(root)
  dockerRoot(root)
  writeFileSync(join(root, 'var', 'lib', 'fake', 'installed'), 'docker-ce\ndocker-ce-cli\ncontainerd.io\ndocker-buildx-plugin\ndocker-compose-plugin\n')
  const golden = runStep(after.text, 'step_docker', root, dockerStubs, 'fetch_key() { echo "fetched $1"; return 1; }')
  assert.is(golden.status, 0, golden.out)
  assert.not.match(golden.out, /fetched/)
  assert.not.ok(existsSync(join(root, 'etc', 'apt', 'sources.list.d', 'docker.list')))
})

// --- venvs: a new Python version remakes the venv, the index follows ---------------------------------------------

/** A fake python-build-standalone layout: `python3 -m venv --clear DIR` makes a venv whose pyvenv.cfg names its home. */
function pythonRoot(versions: string[]): (root: string) => void {
  return (root) => {
    for (const v of versions) {
      const bin = join(root, 'home', 'bai', '.static-python', 'versions', v, 'bin')
      mkdirSync(bin, { recursive: true })
      writeFileSync(join(bin, 'python3'), `#!/bin/bash
[[ $1 == -m && $2 == venv ]] || exit 0
dir=\${*: -1}; rm -rf "$dir"; mkdir -p "$dir/bin"
printf 'home = %s\\nversion = ${v}\\n' "$(dirname "$0")" >"$dir/pyvenv.cfg"
printf '#!/bin/bash\\necho "pip $*" >>"$(dirname "$0")/../pip.log"\\n' >"$dir/bin/pip"
printf '#!/bin/bash\\necho ${v}\\n' >"$dir/bin/python"
chmod +x "$dir/bin/pip" "$dir/bin/python"
`)
      chmodSync(join(bin, 'python3'), 0o755)
    }
  }
}
const venvStubs: Record<string, string> = {
  runuser: 'while [[ $1 != -- ]]; do shift; done; shift; exec "$@"',
  getent: 'echo "bai:x:1100:1100::/home/bai:/bin/bash"',
  install: 'args=(); while (($#)); do case $1 in -o|-g|-m) shift 2 ;; *) args+=("$1"); shift ;; esac; done; exec /usr/bin/install "${args[@]}"',
}
const venvState = (root: string): unknown =>
  snapshot(root, (rel) => rel.startsWith('bin-') || rel.startsWith('lib-') || rel.endsWith('pip.log') || rel.includes('.static-python'))

test('venvs: a new Python version makes the venvs again from it; a new index lands in pip.conf (and goes again)', async () => {
  const before = await variant((inv) => {
    a01(inv).overrides = { python: { version: '3.12.4' } }
  })
  const after = await variant((inv) => {
    inv.mirrors = { pypi: 'http://pypi.internal/simple' }
    a01(inv).overrides = { python: { version: '3.12.8' } }
  })
  const setup = pythonRoot(['3.12.4', '3.12.8'])
  const said = converges('venvs: 3.12.4 -> 3.12.8 + index', before.text, after.text, 'step_venvs', setup, venvStubs, venvState)
  assert.match(said, /made \/home\/bai\/agent\/\.venv again from \/home\/bai\/\.static-python\/versions\/3\.12\.8\/bin\/python3 \(it was made from .*3\.12\.4\/bin;/)
  assert.match(said, /wrote \/etc\/pip\.conf/)
  const back = converges('venvs: back', after.text, before.text, 'step_venvs', setup, venvStubs, venvState)
  assert.match(back, /removed \/etc\/pip\.conf/)
  assert.match(back, /again from .*3\.12\.4\/bin\/python3/)
  // Same version: the venv stays (no --clear of what was installed in it).
  const root = join(tempDir('day2-venv'), 'r')
  mkdirSync(root)
  setup(root)
  assert.is(runStep(after.text, 'step_venvs', root, venvStubs).status, 0)
  writeFileSync(join(root, 'home', 'bai', 'agent', '.venv', 'installed-by-operator'), 'x')
  const again = runStep(after.text, 'step_venvs', root, venvStubs)
  assert.is(again.status, 0, again.out)
  assert.not.match(again.out, /again from/)
  assert.ok(existsSync(join(root, 'home', 'bai', 'agent', '.venv', 'installed-by-operator')))
})

// --- the file steps (limits, sysctl, hosts, storage): whole scripts under --root -----------------------------------

test('limits, sysctl, hosts, storage: the old script then the new one under --root equals the new one alone', async () => {
  const before = await variant(() => {})
  const after = await variant((inv) => {
    inv.storage.server = '10.20.30.6'
    inv.storage.exports.push({ name: 'scratch', path: '/export/backendai/scratch' })
    a01(inv).overrides = {
      limits: { entries: [{ domain: 'bai', type: 'soft', item: 'nofile', value: 1024000 }] },
      sysctl: { values: { 'vm.overcommit_memory': 0, 'net.core.somaxconn': 4096 } },
      hosts: { scope: 'all' },
      storage: { nfs_options: ['rw', 'soft', 'nfsvers=4.2', '_netdev'] },
    }
  })
  const etc = (root: string): void => {
    mkdirSync(join(root, 'etc'))
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n')
    writeFileSync(join(root, 'etc', 'fstab'), 'UUID=1 / ext4 defaults 0 1\n')
  }
  for (const [from, to, label] of [[before, after, 'example -> changed'], [after, before, 'changed -> example']] as const) {
    const base = tempDir('day2-root')
    const upgraded = join(base, 'upgraded')
    const fresh = join(base, 'fresh')
    for (const r of [upgraded, fresh]) {
      mkdirSync(r)
      etc(r)
    }
    assert.is(run('bash', [from.path, '--root', upgraded]).status, 0)
    const second = run('bash', [to.path, '--root', upgraded])
    assert.is(second.status, 0, second.stdout + second.stderr)
    for (const id of ['limits', 'sysctl', 'hosts', 'storage']) {
      assert.match(second.stdout, new RegExp(`\\[${id}\\] start: .*\\(runs because its settings changed since it was done`), `${label}: ${id} runs again`)
    }
    assert.match(second.stdout, /\[(limits|sysctl|hosts|storage)\] wrote \/etc\//)
    assert.is(run('bash', [to.path, '--root', fresh]).status, 0)
    // Folders an earlier storage setting made stay (they may hold data): compared are the files.
    assert.equal(snapshot(upgraded), snapshot(fresh), label)
  }
})

// --- mounts: a changed server is mounted again -----------------------------------------------------------------

const mountStubs: Record<string, string> = {
  mountpoint: 'grep -q " $2\\$" "$FAKE/mounts" 2>/dev/null',
  findmnt: `if [[ $1 == --fstab ]]; then awk -v d="\${*: -1}" '$2 == d { print $1 }' "$FAKE/etc/fstab"; else awk -v d="\${*: -1}" '$2 == d { print $1 }' "$FAKE/mounts"; fi`,
  mount: 'src=$(awk -v d="$1" \'$2 == d { print $1 }\' "$FAKE/etc/fstab"); echo "$src $1" >>"$FAKE/mounts"',
  umount: 'grep -v " $1\\$" "$FAKE/mounts" >"$FAKE/mounts.new"; mv "$FAKE/mounts.new" "$FAKE/mounts"',
  stat: 'echo 1100:1100',
}

test('mounts: an export mounted from the old server is mounted again from the one fstab names now', async () => {
  const before = await variant(() => {})
  const after = await variant((inv) => {
    inv.storage.server = '10.20.30.6'
  })
  const setup = (root: string): void => {
    mkdirSync(join(root, 'etc'))
    writeFileSync(join(root, 'etc', 'fstab'), '')
    writeFileSync(join(root, 'mounts'), '')
  }
  // The storage step writes fstab (under --root); mounts then reads it through the stubs.
  const state = (root: string): unknown => ({ mounts: readFileSync(join(root, 'mounts'), 'utf8').split('\n').filter(Boolean).sort() })
  const said = converges('mounts: server moved', before.text, after.text, 'step_storage; step_mounts', setup, { ...mountStubs, chown: 'exit 0' }, state)
  assert.match(said, /mounted \/vfroot\/data again: 10\.20\.30\.5:\/export\/backendai\/data -> 10\.20\.30\.6:\/export\/backendai\/data/)
})

test.run()
