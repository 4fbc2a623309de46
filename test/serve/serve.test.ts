// `bai-seed serve`: files under the folder and nothing else, no listing, GET/HEAD only, and one log line per
// request naming the node. Runs on an ephemeral loopback port.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { exampleInventory, binRun, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { formatAccessLog, type AccessLogEntry } from '../../src/serve/access-log.js'
import { runCli } from '../helpers/run-cli.js'

let out = ''
let server: RunningServer
const log: AccessLogEntry[] = []

/** A raw request: fetch() would normalize "..", which is exactly what must be tried here. */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

test.before(async () => {
  out = await renderFixture(exampleInventory)
  symlinkSync('/etc', join(out, 'etc-link'))
  symlinkSync('/etc/hostname', join(out, 'bai-a01', 'escape'))
  symlinkSync(join(out, 'bai-a01', 'autoinstall', 'meta-data'), join(out, 'inside-link'))
  mkdirSync(join(out, '.staging-x'))
  writeFileSync(join(out, '.staging-x', 'user-data'), 'secret staging\n')
  writeFileSync(join(out, 'ubuntu.iso'), Buffer.alloc(70000, 7))
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
})

test.after(async () => {
  await server.close()
})

test('binds loopback on an ephemeral port', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
  assert.ok(server.port > 0)
})

test('GET serves a node seed file byte for byte as text/plain, and logs it with its node', async () => {
  log.length = 0
  const res = await fetch(`${server.url}bai-a01/autoinstall/user-data`)
  assert.is(res.status, 200)
  assert.is(res.headers.get('content-type'), 'text/plain; charset=utf-8')
  const body = Buffer.from(await res.arrayBuffer())
  assert.ok(body.equals(readFileSync(join(out, 'bai-a01', 'autoinstall', 'user-data'))))
  await new Promise((r) => setTimeout(r, 50))
  assert.is(log.length, 1)
  const e = log[0]!
  assert.equal([e.client, e.method, e.path, e.status, e.bytes, e.node], ['127.0.0.1', 'GET', '/bai-a01/autoinstall/user-data', 200, body.length, 'bai-a01'])
  assert.match(formatAccessLog(e), /^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 GET \/bai-a01\/autoinstall\/user-data 200 \d+ node=bai-a01 allow=public$/)
})

test('HEAD gives the headers without a body; other methods get 405', async () => {
  const head = await fetch(`${server.url}ubuntu.iso`, { method: 'HEAD' })
  assert.is(head.status, 200)
  assert.is(head.headers.get('content-length'), '70000')
  assert.is(head.headers.get('content-type'), 'application/octet-stream')
  assert.is((await head.arrayBuffer()).byteLength, 0)
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const res = await fetch(`${server.url}bai-a01/autoinstall/user-data`, { method })
    assert.is(res.status, 405, method)
    assert.is(res.headers.get('allow'), 'GET, HEAD')
  }
})

test('a large file streams whole', async () => {
  const res = await fetch(`${server.url}ubuntu.iso`)
  const body = Buffer.from(await res.arrayBuffer())
  assert.is(body.length, 70000)
  assert.ok(body.every((b) => b === 7))
})

test('no directory listing', async () => {
  for (const path of ['/', '/bai-a01', '/bai-a01/', '/bai-a01/autoinstall/']) {
    const r = await rawGet(path)
    assert.is(r.status, 404, path)
    assert.not.match(r.body, /user-data/, path)
  }
})

test('traversal attempts are refused: dot segments, encoded, symlinks out, absolute targets, dot-files', async () => {
  const cases: [string, number][] = [
    ['/../etc/passwd', 403],
    ['/bai-a01/../../etc/passwd', 403],
    ['/%2e%2e/%2e%2e/etc/passwd', 403],
    ['/%2E%2E/etc/passwd', 403],
    ['/bai-a01/%2e%2e/%2e%2e/etc/passwd', 403],
    ['/bai-a01/..%2f..%2fetc%2fpasswd', 400],
    ['/..%5c..%5cetc%5cpasswd', 400],
    ['/bai-a01/%00', 400],
    ['/%zz', 400],
    ['/etc-link/passwd', 403],
    ['/bai-a01/escape', 403],
    ['//etc/passwd', 404],
    ['/etc/passwd', 404],
    ['http://127.0.0.1/etc/passwd', 400],
    ['/.staging-x/user-data', 404],
    ['/%2estaging-x/user-data', 404],
  ]
  for (const [path, status] of cases) {
    const r = await rawGet(path)
    assert.is(r.status, status, path)
    assert.not.match(r.body, /root:|secret staging/, path)
  }
  const inside = await rawGet('/inside-link')
  assert.is(inside.status, 200, 'a symlink that stays inside the folder is served')
})

test('refused requests are logged too, with the node when the path names one', async () => {
  log.length = 0
  await rawGet('/bai-a02/autoinstall/vendor-data')
  await rawGet('/../etc/passwd')
  await new Promise((r) => setTimeout(r, 50))
  // A request of the previous test may be logged late (on response close): look at this test's paths only.
  const mine = log.filter((e) => e.path === '/bai-a02/autoinstall/vendor-data' || e.path === '/../etc/passwd')
  assert.equal(mine.map((e) => [e.path, e.status, e.node]), [
    ['/bai-a02/autoinstall/vendor-data', 404, 'bai-a02'],
    ['/../etc/passwd', 403, null],
  ])
  assert.match(formatAccessLog(mine[1]!), / node=-$/)
})

test('non-printable bytes in a logged path are escaped', () => {
  const line = formatAccessLog({ time: new Date(0), client: '::1', method: 'GET', path: '/a b\u001b[31mé', status: 404, bytes: 0, node: null })
  assert.is(line, '1970-01-01T00:00:00.000Z ::1 GET /a%20b%1B[31m%C3%A9 404 0 node=-')
})

test('the CLI serves until SIGTERM, logs each request with its node, exits 0', async () => {
  const child = spawn(process.execPath, [binRun, 'serve', '-o', out, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no serving line: ${stdout}`)), 15000)
    child.stdout.on('data', () => {
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
  })
  const res = await fetch(`${url}bai-m1/autoinstall/meta-data`)
  assert.is(res.status, 200)
  await res.arrayBuffer()
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c))
    setTimeout(() => child.kill('SIGTERM'), 100)
  })
  assert.is(code, 0)
  assert.match(stdout, / GET \/bai-m1\/autoinstall\/meta-data 200 \d+ node=bai-m1 allow=public\n/)
  assert.match(stdout, /stopped \(SIGTERM\)/)
})

test('the CLI refuses a missing folder with exit 2', () => {
  const r = runCli(['serve', '-o', join(tempDir('serve'), 'nope')])
  assert.is(r.status, 2)
  assert.match(r.stderr, /does not exist; run bai-seed render first/)
})

test.run()
