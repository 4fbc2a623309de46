// One error style and one exit-code table for every command (README "Exit codes"): 0 ok, 2 input (inventory,
// profiles, flags, arguments), 3 output or system (one line naming the path and the cause), 1 only for a bug.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const NO_STACK = /\n\s+at /

function oneLine(stderr: string): void {
  assert.is(stderr.trimEnd().split('\n').length, 1, stderr)
  assert.not.match(stderr, NO_STACK)
}

test('flag errors: exit 2, one line in the error[CODE] style, for every command', () => {
  for (const args of [['render', '--bogus'], ['bundle', '--format', 'rar'], ['plan', '--node'], ['pxe'], ['serve', '--port', 'x']]) {
    const r = runCli(args)
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^error\[FLAG\] /, args.join(' '))
    oneLine(r.stderr)
  }
})

test('input errors: exit 2 with file:line:col; "nothing written" only from commands that write', () => {
  const missing = join(tempDir('exit'), 'missing.yaml')
  const render = runCli(['render', '-c', missing, '-o', join(tempDir('exit'), 'out')])
  assert.is(render.status, 2)
  assert.match(render.stderr, /missing\.yaml:1:1: error\[FILE_READ\] \(root\): file not found: no inventory here; write a commented starter with `bai-seed init`, or name yours with -c FILE \(or as the first argument\)\n1 error; nothing written\n$/)
  const validate = runCli(['validate', '-c', missing])
  assert.is(validate.status, 2)
  assert.match(validate.stderr, /^.*missing\.yaml:1:1: error\[FILE_READ\].*\n1 error\n$/)
})

test('--json commands print JSON on stdout even when they fail', () => {
  const missing = join(tempDir('exit'), 'missing.yaml')
  for (const cmd of ['validate', 'plan']) {
    const r = runCli([cmd, '-c', missing, '--json'])
    assert.is(r.status, 2, r.stderr)
    const report = JSON.parse(r.stdout)
    assert.is(report.ok, false)
    assert.is(report.diagnostics[0].code, 'FILE_READ')
  }
  const profiles = runCli(['profiles', 'show', 'no-such', '--json'])
  assert.is(profiles.status, 2)
  const report = JSON.parse(profiles.stdout)
  assert.equal([report.ok, report.errors, report.diagnostics[0].code], [false, 1, 'UNKNOWN_PROFILE'], 'the same report shape as the diagnostics')
  const env = runCli(['plan', '-c', exampleInventory, '--json'], { SOURCE_DATE_EPOCH: 'soon' })
  assert.ok(env.status === 0 || JSON.parse(env.stdout), 'stdout is JSON either way')
})

test('an environment variable that is not a number: exit 2, one line', () => {
  const r = runCli(['render', '-c', exampleInventory, '-o', join(tempDir('exit'), 'out')], { SOURCE_DATE_EPOCH: 'abc' })
  assert.is(r.status, 2, r.stderr)
  assert.is(r.stderr, 'error[SOURCE_DATE_EPOCH] SOURCE_DATE_EPOCH must be a whole number of seconds, not "abc"\n')
})

test('output errors: exit 3, one line naming the path and the cause', () => {
  const dir = tempDir('exit')
  writeFileSync(join(dir, 'file'), '')
  const render = runCli(['render', '-c', exampleInventory, '-o', join(dir, 'file', 'out')])
  assert.is(render.status, 3, render.stderr)
  assert.match(render.stderr, /^error\[ENOTDIR\] .*file\/out.*: a part of the path is not a folder/)
  oneLine(render.stderr)

  const init = runCli(['init', '-c', join(dir, 'sub', 'dir', 'x.yaml')])
  assert.is(init.status, 3, init.stderr)
  assert.match(init.stderr, /^error\[ENOENT\] .*sub\/dir\/x\.yaml: the folder .*sub\/dir\/ does not exist/)
  oneLine(init.stderr)
})

test('serve on a port in use: exit 3, one line naming the address', async () => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  const port = (blocker.address() as { port: number }).port
  const out = tempDir('exit')
  mkdirSync(join(out, 'x'))
  const { spawn } = await import('node:child_process')
  const { binRun } = await import('../helpers/repo.js')
  const child = spawn(process.execPath, [binRun, 'serve', '-o', out, '--any-folder', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (b) => (stderr += b))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  blocker.close()
  assert.is(code, 3, stderr)
  assert.match(stderr, new RegExp(`^error\\[EADDRINUSE\\] 127\\.0\\.0\\.1:${port}: address already in use`))
  oneLine(stderr)
})

test('a node key file that is not a key: exit 2 (the user deletes it), one line naming it', () => {
  const out = tempDir('exit')
  writeFileSync(join(out, '.bai-seed-key'), 'not a key\n')
  const r = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', 'http://10.20.30.5:8080/'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /^error\[BAD_KEY_FILE\] .*\/\.bai-seed-key: not a bai-seed key \(64 hex digits\); delete it to make a new one\n$/)
  assert.not.match(r.stderr, NO_STACK)
})

test('an output folder bai-seed does not own: exit 2 (EREFUSED), nothing touched', () => {
  const out = tempDir('exit')
  writeFileSync(join(out, 'notes.txt'), 'mine')
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /^error\[EREFUSED\] .*: is not empty \(notes\.txt\)/)
  oneLine(r.stderr)
})

test('--json: one report shape for diagnostics, flag errors and problems without a position', () => {
  const r = runCli(['profiles', 'show', 'manager', '--json', '--profiles', join(tempDir('exit'), 'none')])
  assert.is(r.status, 2, r.stderr)
  const report = JSON.parse(r.stdout)
  assert.equal(Object.keys(report), ['ok', 'errors', 'warnings', 'diagnostics'])
  assert.equal([report.ok, report.errors, report.warnings], [false, 1, 0])
  assert.is(report.diagnostics[0].code, 'PROFILES_DIR')
  assert.is(report.diagnostics[0].severity, 'error')
  assert.is(r.stderr, `error[PROFILES_DIR] ${report.diagnostics[0].message}\n`, 'stderr prints the same problem')
})

test('warnings: one format, warning[CODE], positioned when the input file has the place', () => {
  const dir = tempDir('exit')
  const inv = join(dir, 'cluster.yaml')
  writeFileSync(inv, readFileSync(exampleInventory, 'utf8').replace('    mac: "52:54:00:20:30:10"\n', ''))
  const r = runCli(['pxe', '-c', inv, '-o', join(dir, 'out'), '--http-base', 'http://10.20.30.5:8080/'])
  assert.is(r.status, 0, r.stderr)
  const lines = r.stderr.trimEnd().split('\n')
  assert.ok(lines.length > 1)
  for (const line of lines) assert.match(line, /^(\S+:\d+:\d+: )?warning\[[A-Z_]+\] /, line)
})

test.run()
