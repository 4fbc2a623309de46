// One error style and one exit-code table for every command (README "Exit codes"): 0 ok, 2 input (inventory,
// profiles, flags, arguments), 3 output or system (one line naming the path and the cause), 1 only for a bug.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, writeFileSync } from 'node:fs'
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
  assert.match(render.stderr, /missing\.yaml:1:1: error\[FILE_READ\] \(root\): file not found\n1 error; nothing written\n$/)
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
  assert.equal(JSON.parse(profiles.stdout).error.code, 'UNKNOWN_PROFILE')
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

test.run()
