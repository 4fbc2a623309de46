// `bai-seed serve` from loopback clients: requests per second for a small seed file (keep-alive, and a new
// connection per request), and 1 GiB downloads (one client, then several at once) with the server's peak RSS, which
// must stay bounded however many machines download the installer ISO. The server is the real CLI; the clients run
// in a second process (bench/http-load.ts). The 1 GiB file is sparse: what is measured is the server, not the disk.
import { spawn, spawnSync } from 'node:child_process'
import { get } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { benchBin, binRun } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { spread, type Spread } from '../lib/stats.js'

export interface ServeFigures {
  /** Requests per second for a 2 KiB file, per client mode. */
  smallFile: { keepAlive: Spread; newConnection: Spread; concurrency: number; bytes: number }
  /** MiB/s of 1 GiB downloads: one client; `clients` at once (aggregate). */
  bigFile: { oneClientMiBps: Spread; manyClientsMiBps: Spread; clients: number }
  /** Highest VmHWM of the server over the whole section. */
  serverPeakRssMiB: number
}

const SMALL = 2048
const BIG = 2 ** 30
const CONCURRENCY = 16
const CLIENTS = 8
const SECONDS = 3

interface LoadResult {
  requests: number
  errors: number
  bytes: number
  seconds: number
}

function load(url: string, args: string[]): LoadResult {
  const r = spawnSync(process.execPath, [benchBin('http-load'), url, ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`http-load ${args.join(' ')}: ${r.stderr}`)
  const result = JSON.parse(r.stdout) as LoadResult
  if (result.errors) throw new Error(`http-load ${args.join(' ')}: ${result.errors} failed requests`)
  return result
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}

function answers(base: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${base}n1/cloud-init/meta-data`, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    }).on('error', () => resolve(false))
  })
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

export async function benchServe(runs: number, log: (line: string) => void): Promise<ServeFigures> {
  const root = outputDir('serve')
  mkdirSync(join(root, 'n1', 'cloud-init'), { recursive: true })
  writeFileSync(join(root, 'n1', 'cloud-init', 'meta-data'), 'x'.repeat(SMALL))
  writeFileSync(join(root, 'big.iso'), '')
  truncateSync(join(root, 'big.iso'), BIG)
  const port = await freePort()
  // The access log goes to /dev/null, as fast as a terminal or journald would take it (a pipe read by this process
  // would stall the server while a synchronous load run blocks this one).
  const server = spawn(process.execPath, [binRun, 'serve', '-o', root, '--any-folder', '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] })
  const base = `http://127.0.0.1:${port}/`
  for (let i = 0; ; i++) {
    if (await answers(base)) break
    if (i > 200) throw new Error('bai-seed serve did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  try {
    const small = `${base}n1/cloud-init/meta-data`
    log(`serve: ${SMALL}-byte file, ${CONCURRENCY} clients, ${SECONDS} s per run; 1 GiB downloads, 1 and ${CLIENTS} clients`)
    load(small, ['keepalive', String(CONCURRENCY), '1'])
    const keepAlive: number[] = []
    const fresh: number[] = []
    const one: number[] = []
    const many: number[] = []
    for (let i = 0; i < runs; i++) {
      const k = load(small, ['keepalive', String(CONCURRENCY), String(SECONDS)])
      keepAlive.push(k.requests / k.seconds)
      const n = load(small, ['new', String(CONCURRENCY), String(SECONDS)])
      fresh.push(n.requests / n.seconds)
      const d1 = load(`${base}big.iso`, ['download', '1'])
      one.push(d1.bytes / 2 ** 20 / d1.seconds)
      const d8 = load(`${base}big.iso`, ['download', String(CLIENTS)])
      many.push(d8.bytes / 2 ** 20 / d8.seconds)
      log(`  run ${i + 1}: ${keepAlive[i]!.toFixed(0)} req/s keep-alive, ${fresh[i]!.toFixed(0)} req/s new connections, 1 GiB at ${one[i]!.toFixed(0)} MiB/s, ${CLIENTS} x 1 GiB at ${many[i]!.toFixed(0)} MiB/s`)
    }
    const figures: ServeFigures = {
      smallFile: { keepAlive: spread(keepAlive), newConnection: spread(fresh), concurrency: CONCURRENCY, bytes: SMALL },
      bigFile: { oneClientMiBps: spread(one), manyClientsMiBps: spread(many), clients: CLIENTS },
      serverPeakRssMiB: peakRssMiB(server.pid!),
    }
    log(`  server peak RSS ${figures.serverPeakRssMiB.toFixed(0)} MiB`)
    return figures
  } finally {
    server.kill('SIGTERM')
  }
}
