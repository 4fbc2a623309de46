// Values written into the files the steps install are escaped for each destination (systemd drop-ins, apt.conf,
// pip.conf), Docker's daemon.json is merged (the nvidia runtime stays), docker-buildx-plugin is installed, and the
// focal Docker note reaches plan and render.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun, exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'
import { aptConfString, systemdEnvironmentWord, UnquotableConfigValueError } from '../../src/plan/file-quoting.js'
import { DOCKER_FOCAL_NOTE } from '../../src/plan/steps/docker.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'

const PROXY = 'http://user:p%40ss%25w@proxy.lab.internal:3128'

async function renderWithProxy(): Promise<string> {
  const dir = tempDir('proxy')
  const inv = readFileSync(join(fixtures, 'single-node.yaml'), 'utf8')
  assert.match(inv, /proxy: http:\/\/proxy\.lab\.internal:3128/)
  const file = join(dir, 'cluster.yaml')
  writeFileSync(file, inv.replace('proxy: http://proxy.lab.internal:3128', `proxy: ${PROXY}`))
  return readFileSync(join(await renderFixture(file, { env: { BAI_TEST_PASSWORD: 'pw' } }), 'bai-all', 'provision.sh'), 'utf8')
}

/** The single-quoted shell word that follows `marker` in the script, unquoted. */
function quotedAfter(script: string, marker: string): string {
  const at = script.indexOf(marker)
  assert.ok(at >= 0, `no ${marker}`)
  const m = /^'((?:[^']|'\\'')*)'/.exec(script.slice(at + marker.length))
  assert.ok(m, `no quoted word after ${marker}`)
  return m[1]!.replace(/'\\''/g, "'")
}

test('systemd drop-in: "%" doubled, so systemd-analyze verify resolves no specifier; the unescaped form is rejected', async () => {
  const script = await renderWithProxy()
  const dropIn = quotedAfter(script, 'write_file /etc/systemd/system/docker.service.d/http-proxy.conf 0644 ')
  assert.match(dropIn, /"HTTP_PROXY=http:\/\/user:p%%40ss%%25w@proxy\.lab\.internal:3128"/)
  const dir = tempDir('dropin')
  const verify = (text: string): string => {
    const file = join(dir, 'x.service')
    writeFileSync(file, `[Unit]\nDescription=x\n${text.replace(/^#.*\n/gm, '')}ExecStart=/bin/true\n`)
    return run('systemd-analyze', ['verify', '--man=no', file]).stderr
  }
  assert.not.match(verify(dropIn), /specifier/i)
  assert.match(verify(dropIn.replace(/%%/g, '%')), /Failed to resolve specifiers/, 'the check can fail')
})

test('apt.conf and pip.conf take "%" as it is', async () => {
  const script = await renderWithProxy()
  const apt = quotedAfter(script, 'write_file /etc/apt/apt.conf.d/90bai-seed-proxy 0644 ')
  assert.match(apt, new RegExp(`^Acquire::http::Proxy "${PROXY.replace(/[.]/g, '\\.')}";$`, 'm'))
  assert.is(aptConfString('http://a/b'), '"http://a/b"')
  assert.throws(() => aptConfString('a"b'), (e: unknown) => e instanceof UnquotableConfigValueError)
  assert.is(systemdEnvironmentWord('X', 'a%b\\c"d'), '"X=a%%b\\\\c\\"d"')
  assert.throws(() => systemdEnvironmentWord('X', 'a\nb'), (e: unknown) => e instanceof UnquotableConfigValueError)
})

/** Runs CALL after sourcing a rendered script's functions (not main), files under ROOT, commands on PATH from STUBS. */
function runFunction(script: string, root: string, call: string): string {
  const lib = join(root, 'lib.sh')
  writeFileSync(lib, script.replace(/^main "\$@"$/m, ''))
  const r = run('bash', ['-c', `source ${lib}; ROOT=${root}; ROOT_REAL=${root}; STATE_DIR=${root}/state; mkdir -p "$STATE_DIR"; ${call}`])
  return r.stdout + r.stderr
}

test('daemon.json: our keys merged into the existing object, the nvidia runtime kept, a second merge changes nothing', async () => {
  const script = readFileSync(join(await renderFixture(exampleInventory), 'bai-a01', 'provision.sh'), 'utf8')
  assert.match(script, /merge_json \/etc\/docker\/daemon\.json '\{/)
  assert.not.match(script, /write_file \/etc\/docker\/daemon\.json/)
  const root = tempDir('daemon')
  mkdirSync(join(root, 'etc', 'docker'), { recursive: true })
  const file = join(root, 'etc', 'docker', 'daemon.json')
  writeFileSync(file, JSON.stringify({ runtimes: { nvidia: { path: 'nvidia-container-runtime', args: [] } }, 'log-driver': 'syslog' }))
  const ours = JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '100m' } })
  const out = runFunction(script, root, `merge_json /etc/docker/daemon.json '${ours}'; echo "wrote=$WROTE"; WROTE=0
    merge_json /etc/docker/daemon.json '${ours}'; echo "again=$WROTE"`)
  assert.match(out, /wrote=1[\s\S]*again=0/, out)
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), {
    runtimes: { nvidia: { path: 'nvidia-container-runtime', args: [] } },
    'log-driver': 'json-file',
    'log-opts': { 'max-size': '100m' },
  })
  // A key we set before and no longer want goes; keys we never set stay.
  runFunction(script, root, `merge_json /etc/docker/daemon.json '{"log-driver": "json-file"}'`)
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), { runtimes: { nvidia: { path: 'nvidia-container-runtime', args: [] } }, 'log-driver': 'json-file' })
  writeFileSync(file, '{broken')
  const bad = runFunction(script, root, `(merge_json /etc/docker/daemon.json '{}') || echo "rc=$?"; cat "$STATE_DIR/reason"`)
  assert.match(bad, /rc=1\ncannot merge our settings into \/etc\/docker\/daemon\.json: it is not valid JSON/, bad)
  assert.is(readFileSync(file, 'utf8'), '{broken')
})

test('docker: docker-buildx-plugin installed and checked; the focal note in plan and render', async () => {
  const out = join(tempDir('notes'), 'out')
  const result = await renderCluster({ inventoryFile: exampleInventory, profileDirs: [], outDir: out, only: [], powerOffWhenDone: false, isos: false, env: { SOURCE_DATE_EPOCH: '1' } })
  assert.ok(result.notes.includes(DOCKER_FOCAL_NOTE), result.notes.join('\n'))
  assert.is(result.notes.filter((n) => n === DOCKER_FOCAL_NOTE).length, 1)
  const script = readFileSync(join(out, 'bai-a01', 'provision.sh'), 'utf8')
  assert.match(script, /local -a pkgs=\(docker-ce docker-ce-cli containerd\.io docker-buildx-plugin docker-compose-plugin\)/)
  assert.match(script, /docker buildx version \|\| fail/)
  const plan = run('node', [binRun, 'plan', '-c', exampleInventory, '--node', 'bai-a01'])
  assert.is(plan.status, 0, plan.stderr)
  assert.match(plan.stdout, new RegExp(`\\. docker \\[network\\]: [^\\n]*\\n(?:        [^\\n]*\\n)*        note: Docker stopped publishing`))
})

test.run()
