// `bai-seed serve` under hostile and demanding clients: secret files only with the node's token, Range and
// conditional requests, keep-alive limits, the bytes actually sent, and 1,000 aborted downloads that must not leak a
// file descriptor.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fixtures } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { formatAccessLog, type AccessLogEntry } from '../../src/serve/access-log.js'
import { RECHECK_MS, RELOAD_MIN_MS } from '../../src/serve/node-folders.js'
import { MAX_FILE } from '../../src/serve/small-file-cache.js'
import { nodeSeedPath, nodeToken, readOrCreateNodeKey, tokenMatches } from '../../src/serve/node-token.js'

let out = ''
let server: RunningServer
let key: Buffer
const log: AccessLogEntry[] = []
const BIG = 8 * 1024 * 1024

test.before(async () => {
  // bai-all has a password: its seeds and script are 0600.
  out = await renderFixture(join(fixtures, 'single-node.yaml'), { env: { BAI_TEST_PASSWORD: 'pw' } })
  key = readOrCreateNodeKey(out)
  writeFileSync(join(out, 'ubuntu.iso'), Buffer.from(Array.from({ length: BIG }, (_, i) => i & 255)))
  writeFileSync(join(out, 'private.bin'), 'mine\n', { mode: 0o600 })
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
})

test.after(async () => {
  await server.close()
})

test('tokens: deterministic per key and node, checked in constant time, kept 0600', () => {
  assert.is(nodeToken(key, 'seed', 'bai-all'), nodeToken(Buffer.from(key), 'seed', 'bai-all'))
  assert.is.not(nodeToken(key, 'seed', 'bai-all'), nodeToken(key, 'seed', 'bai-al1'))
  assert.match(nodeToken(key, 'seed', 'bai-all'), /^[A-Za-z0-9_-]{22}$/)
  assert.ok(tokenMatches(key, 'seed', 'bai-all', nodeToken(key, 'seed', 'bai-all')))
  assert.not.ok(tokenMatches(key, 'seed', 'bai-all', nodeToken(key, 'seed', 'other')))
  assert.not.ok(tokenMatches(key, 'seed', 'bai-all', 'short'))
  assert.equal(readOrCreateNodeKey(out), key, 'the key is reused')
  assert.is(statSync(join(out, '.bai-seed-key')).mode & 0o777, 0o600)
})

test('a secret seed goes only to a request with its node\'s token; the log names the rule', async () => {
  const path = 'bai-all/autoinstall/user-data'
  assert.is(statSync(join(out, path)).mode & 0o777, 0o600)
  log.length = 0
  const plain = await fetch(`${server.url}${path}`)
  assert.is(plain.status, 403)
  assert.match(await plain.text(), /holds secrets: use the seed URL with the node's token/)
  const wrong = await fetch(`${server.url}bai-all/${nodeToken(Buffer.alloc(32, 1), 'seed', 'bai-all')}/autoinstall/user-data`)
  assert.is(wrong.status, 403)
  await wrong.text()
  const good = await fetch(`${server.url}${nodeSeedPath(key, 'bai-all')}autoinstall/user-data`)
  assert.is(good.status, 200)
  assert.is(await good.text(), readFileSync(join(out, path), 'utf8'))
  // Public files go to anyone; owner-only files outside node folders to no one.
  const meta = await fetch(`${server.url}bai-all/autoinstall/meta-data`)
  assert.is(meta.status, 200)
  await meta.text()
  const priv = await fetch(`${server.url}private.bin`)
  assert.is(priv.status, 403)
  await priv.text()
  await new Promise((r) => setTimeout(r, 50))
  const lines = log.map(formatAccessLog)
  assert.is(lines.length, 5, lines.join('\n'))
  assert.match(lines[0]!, / 403 \d+ node=bai-all$/)
  assert.match(lines[2]!, / GET \/bai-all\/-\/autoinstall\/user-data 200 \d+ node=bai-all allow=token$/, 'the token is not logged')
  assert.not.ok(lines.some((l) => l.includes(nodeToken(key, 'seed', 'bai-all'))), 'no line holds the token')
  assert.match(lines[3]!, / 200 \d+ node=bai-all allow=public$/)
})

test('Range: 206 with Content-Range, suffix and open ranges, 416 past the end; If-Range', async () => {
  const whole = readFileSync(join(out, 'ubuntu.iso'))
  for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=1000-', 1000, BIG - 1], ['bytes=-10', BIG - 10, BIG - 1], ['bytes=5-999999999', 5, BIG - 1]] as const) {
    const res = await fetch(`${server.url}ubuntu.iso`, { headers: { range } })
    assert.is(res.status, 206, range)
    assert.is(res.headers.get('content-range'), `bytes ${start}-${end}/${BIG}`)
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(whole.subarray(start, end + 1)), range)
  }
  const past = await fetch(`${server.url}ubuntu.iso`, { headers: { range: `bytes=${BIG}-` } })
  assert.is(past.status, 416)
  assert.is(past.headers.get('content-range'), `bytes */${BIG}`)
  await past.text()
  const etag = (await fetch(`${server.url}ubuntu.iso`, { method: 'HEAD' })).headers.get('etag')!
  const resumed = await fetch(`${server.url}ubuntu.iso`, { headers: { range: 'bytes=10-19', 'if-range': etag } })
  assert.is(resumed.status, 206)
  await resumed.arrayBuffer()
  const changed = await fetch(`${server.url}ubuntu.iso`, { headers: { range: 'bytes=10-19', 'if-range': '"other"' } })
  assert.is(changed.status, 200, 'a changed file is sent whole')
  assert.is(Buffer.from(await changed.arrayBuffer()).length, BIG)
})

test('ETag / If-None-Match and Last-Modified / If-Modified-Since give 304', async () => {
  const first = await fetch(`${server.url}bai-all/cloud-init/meta-data`)
  const etag = first.headers.get('etag')!
  const modified = first.headers.get('last-modified')!
  await first.text()
  assert.match(etag, /^"[0-9a-f-]+"$/)
  assert.is((await fetch(`${server.url}bai-all/cloud-init/meta-data`, { headers: { 'if-none-match': etag } })).status, 304)
  assert.is((await fetch(`${server.url}bai-all/cloud-init/meta-data`, { headers: { 'if-modified-since': modified } })).status, 304)
  const old = await fetch(`${server.url}bai-all/cloud-init/meta-data`, { headers: { 'if-modified-since': new Date(0).toUTCString() } })
  assert.is(old.status, 200)
  await old.text()
})

test('keep-alive: one connection serves several requests, with advertised limits', async () => {
  const replies = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let data = ''
    socket.on('data', (c) => {
      data += c.toString('latin1')
      if (data.split('HTTP/1.1 200').length === 4) {
        socket.destroy()
        resolve(data)
      }
    })
    socket.on('error', reject)
    const req = 'GET /bai-all/cloud-init/meta-data HTTP/1.1\r\nHost: x\r\n\r\n'
    socket.write(req + req + req)
  })
  assert.match(replies, /keep-alive: timeout=5/i)
})

test('small files served from memory are never stale: rewritten in place, replaced by rename, ranges of them', async () => {
  const file = join(out, 'bai-all', 'cloud-init', 'meta-data')
  const get = async (headers: Record<string, string> = {}): Promise<string> => {
    const res = await fetch(`${server.url}bai-all/cloud-init/meta-data`, { headers })
    assert.ok(res.status === 200 || res.status === 206, `status ${res.status}`)
    return res.text()
  }
  const original = readFileSync(file, 'utf8')
  try {
    assert.is(await get(), original)
    assert.is(await get(), original, 'second request (from memory)')
    // The same size, other bytes, written in place within the same second.
    const same = original.replace(/./gu, 'x')
    writeFileSync(file, same)
    assert.is(await get(), same)
    assert.is(await get({ range: 'bytes=1-3' }), 'xxx')
    // Replaced by a rename, as a render does.
    writeFileSync(`${file}.new`, 'instance-id: changed\n', { mode: 0o644 })
    renameSync(`${file}.new`, file)
    assert.is(await get(), 'instance-id: changed\n')
    assert.is(await get({ range: 'bytes=-8' }), 'changed\n')
    // Just over the limit: streamed, whole.
    const big = 'y'.repeat(MAX_FILE + 1)
    writeFileSync(file, big)
    assert.is(await get(), big)
  } finally {
    writeFileSync(file, original)
  }
})

test('a node added by a render while serving is known within RELOAD_MIN_MS', async () => {
  const manifestFile = join(out, 'manifest.json')
  const before = readFileSync(manifestFile, 'utf8')
  mkdirSync(join(out, 'bai-late', 'cloud-init'), { recursive: true })
  writeFileSync(join(out, 'bai-late', 'cloud-init', 'meta-data'), 'instance-id: bai-late\n')
  const nodeOfLast = async (): Promise<string | null> => {
    log.length = 0
    const res = await fetch(`${server.url}bai-late/cloud-init/meta-data`)
    assert.is(res.status, 200)
    await res.text()
    await new Promise((r) => setTimeout(r, 20))
    return log.at(-1)!.node
  }
  try {
    assert.is(await nodeOfLast(), null)
    const manifest = JSON.parse(before) as { files: { path: string }[] }
    manifest.files.push({ ...manifest.files[0]!, path: 'bai-late/cloud-init/meta-data' })
    writeFileSync(manifestFile, JSON.stringify(manifest))
    await new Promise((r) => setTimeout(r, Math.max(RECHECK_MS, RELOAD_MIN_MS) + 50))
    assert.is(await nodeOfLast(), 'bai-late')
  } finally {
    writeFileSync(manifestFile, before)
  }
})

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

test('1,000 aborted downloads: every file is closed again, the log says what was sent', async () => {
  await new Promise((r) => setTimeout(r, 200))
  const baseline = openFds()
  log.length = 0
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, () =>
        new Promise<void>((resolve) => {
          const socket = connect(server.port, '127.0.0.1')
          socket.on('error', () => resolve())
          socket.write('GET /ubuntu.iso HTTP/1.1\r\nHost: x\r\n\r\n')
          socket.once('data', () => {
            socket.destroy()
            resolve()
          })
        }),
      ),
    )
  }
  // The server sees each close a moment later (on a loaded machine, seconds later: wait up to 30 s, no longer than needed).
  for (let i = 0; i < 600 && (openFds() > baseline || log.length < 1000); i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(openFds() <= baseline, `open descriptors ${openFds()} > baseline ${baseline}`)
  assert.is(log.length, 1000)
  const aborted = log.filter((e) => e.complete === false)
  assert.is(aborted.length, 1000)
  for (const e of aborted) assert.ok(e.bytes < BIG, `${e.bytes} bytes logged for an aborted download`)
  // And the server still answers.
  const res = await fetch(`${server.url}bai-all/cloud-init/meta-data`)
  assert.is(res.status, 200)
  await res.text()
})

test.run()
