// `bai-seed serve` under slow and greedy clients, with real sockets on loopback (127.0.0.0/8 gives each simulated
// machine its own source address): a request head sent a byte at a time is cut off at the header timeout; a body sent
// to a reader of one byte every 2 s is cut off at the idle/send timeout; one address gets at most its share of
// connections; and under `ulimit -n 100`, 150 slow-header connections plus 90 downloads that are never read leave room
// for a new client. Every client here stops by itself (a deadline), and the test ends them all.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { readdirSync, truncateSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { exampleInventory } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireTool } from '../helpers/tools.js'
import { DEFAULT_LIMITS, startStaticServer } from '../../src/serve/static-server.js'
import type { AccessLogEntry } from '../../src/serve/access-log.js'
import { send, sleep, startCli } from './serve-fixture.js'

let out = ''
const BIG = 512 * 1024 * 1024

test.before(async () => {
  out = await renderFixture(exampleInventory)
  writeFileSync(join(out, 'big.iso'), '')
  truncateSync(join(out, 'big.iso'), BIG)
})

/** A socket from `localAddress` that resolves once connected; destroyed by the caller (or at `deadlineMs`). */
function open(port: number, localAddress: string, deadlineMs = 60_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s))
    s.on('error', () => {})
    s.once('error', reject)
    setTimeout(() => s.destroy(), deadlineMs).unref()
  })
}

function closed(s: Socket): Promise<number> {
  const started = performance.now()
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(0)
    s.once('close', () => resolve(performance.now() - started))
  })
}

test('the defaults are finite: header, request and idle/send timeouts, a per-address cap', () => {
  assert.ok(DEFAULT_LIMITS.headersTimeoutMs > 0 && DEFAULT_LIMITS.headersTimeoutMs <= 10_000)
  assert.ok(DEFAULT_LIMITS.requestTimeoutMs > 0 && DEFAULT_LIMITS.requestTimeoutMs <= 30_000)
  assert.ok(DEFAULT_LIMITS.idleTimeoutMs > 0 && DEFAULT_LIMITS.idleTimeoutMs <= 15_000)
  assert.ok(DEFAULT_LIMITS.perAddress > 0 && DEFAULT_LIMITS.perAddress <= 32)
})

test('a request head sent a byte every 300 ms is cut off at the header timeout', async () => {
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: () => {}, limits: { headersTimeoutMs: 2000, checkIntervalMs: 200 } })
  try {
    const s = await open(server.port, '127.0.0.5')
    const started = performance.now()
    let answer = ''
    s.on('data', (c: Buffer) => (answer += c.toString()))
    const head = 'GET /bai-a01/autoinstall/meta-data HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200)
    let i = 0
    const drip = setInterval(() => (i < head.length && !s.destroyed ? s.write(head[i++]!) : clearInterval(drip)), 300)
    await closed(s)
    clearInterval(drip)
    const took = performance.now() - started
    assert.ok(took >= 1500 && took < 6000, `closed after ${took.toFixed(0)} ms`)
    assert.match(answer, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout')
  } finally {
    await server.close()
  }
})

test('a body sent to a reader of one byte every 2 s is cut off at the idle/send timeout', async () => {
  requireTool('python3')
  const log: AccessLogEntry[] = []
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e), limits: { idleTimeoutMs: 3000 } })
  // A small receive buffer and one byte read every 2 s; it gives up by itself after 60 s.
  const reader = spawn('python3', ['-c', `
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(('127.0.0.6', 0))
s.connect(('127.0.0.1', ${server.port}))
s.sendall(b'GET /big.iso HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
t0 = time.time()
while time.time() - t0 < 60:
    try:
        if not s.recv(1): break
    except OSError:
        break
    time.sleep(2)
`], { stdio: 'ignore' })
  try {
    const started = performance.now()
    let entry: AccessLogEntry | undefined
    while (!entry && performance.now() - started < 30_000) {
      await sleep(100)
      entry = log.find((e) => e.path === '/big.iso')
    }
    const took = performance.now() - started
    assert.ok(entry, 'the download was ended')
    assert.is(entry!.complete, false, 'logged as aborted')
    assert.ok(entry!.bytes < BIG / 4, `${entry!.bytes} bytes went out`)
    assert.ok(took < 12_000, `ended after ${took.toFixed(0)} ms (idle timeout 3 s)`)
    process.stdout.write(`slow reader: cut off after ${(took / 1000).toFixed(1)} s, ${entry!.bytes} bytes sent\n`)
  } finally {
    reader.kill('SIGKILL')
    await server.close()
  }
})

test('one address gets at most perAddress connections; the others are refused at once, other addresses served', async () => {
  const log: AccessLogEntry[] = []
  const server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e), limits: { perAddress: 8 } })
  const sockets: Socket[] = []
  try {
    const answers: string[] = []
    for (let i = 0; i < 12; i++) {
      const s = await open(server.port, '127.0.0.7')
      let a = ''
      s.on('data', (c: Buffer) => (a += c.toString()))
      s.on('close', () => answers.push(a))
      sockets.push(s)
    }
    // A refused connection is closed after its answer (at most LINGER_MS later).
    await sleep(1000)
    assert.is(server.guard.counts.refusedPerAddress, 4)
    assert.is(answers.length, 4, 'the four over the cap are closed')
    for (const a of answers) assert.match(a, /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*retry-after: 5\r\n[\s\S]*too many connections from this address/)
    assert.is(log.filter((e) => e.refused === 'per-address' && e.client === '127.0.0.7').length, 4)
    assert.is((await send(server.port, '/bai-a01/autoinstall/meta-data', 'GET', '127.0.0.8')).status, 200)
  } finally {
    for (const s of sockets) s.destroy()
    await server.close()
  }
})

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return -1
  }
}

test('ulimit -n 100: 150 slow-header connections and 90 unread downloads do not starve a new client', async () => {
  const cli = await startCli(['-o', out], 'ulimit -n 100')
  const sockets: Socket[] = []
  let peakFds = 0
  const watch = setInterval(() => (peakFds = Math.max(peakFds, openFds(cli.child.pid!))), 50)
  try {
    // 150 connections that send half a request head and then nothing, from 10 addresses.
    for (let i = 0; i < 150; i++) {
      const s = await open(cli.port, `127.0.1.${10 + (i % 10)}`).catch(() => null)
      if (!s) continue
      s.write('GET /bai-a01/autoinstall/meta-data HTTP/1.1\r\nHost: x\r\n')
      sockets.push(s)
    }
    // 90 downloads of a 512 MiB file that are never read, from 9 addresses.
    for (let i = 0; i < 90; i++) {
      const s = await open(cli.port, `127.0.2.${10 + (i % 9)}`).catch(() => null)
      if (!s) continue
      s.write('GET /big.iso HTTP/1.1\r\nHost: x\r\n\r\n')
      s.pause()
      sockets.push(s)
    }
    await sleep(500)
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const started = performance.now()
      const r = await send(cli.port, '/bai-a01/autoinstall/meta-data', 'GET', '127.0.0.3')
      times.push(performance.now() - started)
      assert.is(r.status, 200, `new client, request ${i + 1}: ${r.body}`)
    }
    // A new download gets a slot too (a stalled one gives its slot up).
    await sleep(5500)
    const started = performance.now()
    const range = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port: cli.port, path: '/big.iso', localAddress: '127.0.0.4', headers: { range: 'bytes=0-1048575' }, agent: false }, (res) => {
          let n = 0
          res.on('data', (c: Buffer) => (n += c.length))
          res.on('end', () => (res.statusCode === 206 ? resolve(n) : reject(new Error(`status ${res.statusCode}`))))
        })
        req.on('error', reject)
        req.end()
      })
    })
    const downloadMs = performance.now() - started
    assert.is(range, 1048576)
    assert.ok(cli.child.exitCode === null, 'the server is still running')
    assert.ok(peakFds < 100, `peak ${peakFds} descriptors`)
    assert.ok(Math.max(...times) < 3000, `new-client requests took ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
    process.stdout.write(
      `ulimit -n 100: new-client requests ${times.map((t) => t.toFixed(0)).join('/')} ms, a new 1 MiB download ${downloadMs.toFixed(0)} ms, peak ${peakFds} descriptors\n`,
    )
  } finally {
    clearInterval(watch)
    for (const s of sockets) s.destroy()
    assert.is(await cli.stop(), 0)
  }
})

test.run()
