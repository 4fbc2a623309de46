// Fleet reporting (issue 21): NODES simulated nodes post EVENTS events each, all at once, to the real `bai-seed serve`
// while READERS clients keep asking for /status.json; in the middle the server is killed with SIGKILL and started
// again on the same folder (clients retry what got no answer). Afterwards every event that got a 200 must be in the
// status store. Reported: acknowledged events per second (wall time of the whole run, restart included), ack latency
// (p50, p99), the status readers' answers, and the servers' peak RSS.
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binRun } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { nodeToken, readOrCreateNodeKey } from '../../src/serve/node-token.js'
import { readStatusStore } from '../../src/fleet/event-log.js'

export interface FleetFigures {
  nodes: number
  eventsPerNode: number
  readers: number
  acked: number
  missingAfterRestart: number
  eventsPerSecond: number
  ackLatencyMs: { p50: number; p99: number; max: number }
  statusReads: number
  /** Answers other than 200 the nodes got (status -> count; 0: no answer), each retried. */
  retried: Record<string, number>
  serverPeakRssMiB: number
  /** CPU seconds both servers used (the first up to its kill, within a tick), and per 1,000 acknowledged events. */
  serverCpuSeconds: number
  serverCpuMsPerEvent: number
  restartMs: number
}

const NODES = 1000
const EVENTS = 30
const READERS = 10
/** Sockets the simulated nodes share (a real fleet opens one per node; loopback ports are the limit here). */
const SOCKETS = 128
/**
 * Source addresses the sockets come from (127.0.0.2 on; all of 127/8 is loopback): serve lets one address hold at most
 * 32 connections (DEFAULT_LIMITS.perAddress), and a real fleet has an address per node, so the sockets are spread over
 * several addresses rather than refused.
 */
const ADDRESSES = 8

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

/** User + system CPU seconds the process has used so far (0 when it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name; in clock ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

function startServer(root: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binRun, 'serve', '-o', root, '--port', String(port), '--any-folder'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let text = ''
    const onData = (c: Buffer): void => {
      text += c.toString()
      if (text.includes('serving ')) {
        // The access log is read and dropped from here on (as fast as /dev/null, and the pipe never fills).
        resolve(child)
      }
    }
    child.stdout!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`serve exited (${code})`)))
  })
}

function post(agent: Agent, port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.setTimeout(30_000, () => req.destroy())
    req.on('error', () => resolve(0))
    req.end(body)
  })
}

function getStatus(agent: Agent, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/status.json', agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    })
    req.on('error', () => resolve(false))
    req.end()
  })
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

export async function benchFleet(log: (line: string) => void): Promise<FleetFigures> {
  const root = outputDir('fleet')
  mkdirSync(root, { recursive: true })
  const hosts = Array.from({ length: NODES }, (_, i) => `node-${String(i + 1).padStart(4, '0')}`)
  // The nodes of an output folder are those its manifest lists (as a render writes it).
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ format: 1, generator: 'bench', files: hosts.map((h) => ({ path: `${h}/provision.sh`, sha256: '0'.repeat(64), size: 0, mode: '0700' })) }))
  const key = readOrCreateNodeKey(root)
  const paths = new Map(hosts.map((h) => [h, `/report/${h}/${nodeToken(key, 'report', h)}`]))
  const port = await freePort()
  log(`fleet: ${NODES} nodes x ${EVENTS} events at once over ${SOCKETS} sockets from ${ADDRESSES} addresses, ${READERS} status readers, kill -9 and restart of serve half-way`)
  let server = await startServer(root, port)
  let peak = 0
  let cpu = 0
  const agents = Array.from({ length: ADDRESSES }, (_, i) => new Agent({ keepAlive: true, maxSockets: SOCKETS / ADDRESSES, localAddress: `127.0.0.${i + 2}` }))
  const readerAgent = new Agent({ keepAlive: true, maxSockets: READERS })
  const acked = new Map<string, number>()
  const latencies: number[] = []
  let restarting: Promise<void> | null = null
  let restartMs = 0
  let done = false
  const total = NODES * EVENTS
  const started = performance.now()

  const restart = async (): Promise<void> => {
    const t0 = performance.now()
    peak = Math.max(peak, peakRssMiB(server.pid!))
    cpu += cpuSeconds(server.pid!)
    server.kill('SIGKILL')
    await new Promise((r) => server.once('exit', r))
    server = await startServer(root, port)
    restartMs = performance.now() - t0
  }

  const retried: Record<string, number> = {}
  const node = async (host: string, index: number): Promise<void> => {
    const path = paths.get(host)!
    const agent = agents[index % ADDRESSES]!
    for (let i = 0; i < EVENTS; ) {
      const body = JSON.stringify({ origin: 'bai-seed', kind: i % 2 ? 'step-done' : 'step-start', step: `s${Math.floor(i / 2)}`, message: `${host}#${i}`, expect: 600 })
      if (restarting) await restarting
      const t0 = performance.now()
      const status = await post(agent, port, path, body)
      if (status === 200) {
        latencies.push(performance.now() - t0)
        acked.set(`${host}#${i}`, i)
        i++
        if (acked.size === total / 2 && !restarting) restarting = restart().finally(() => (restarting = null))
      } else if (status === 400 || status === 403 || status === 404) throw new Error(`${host}: the server refused an event for good (HTTP ${status})`)
      else {
        retried[status] = (retried[status] ?? 0) + 1
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }
  let reads = 0
  // Each reader asks once a second, as `status --watch --interval 1` or an open /status page (every 5 s) would.
  const reader = async (): Promise<void> => {
    while (!done) {
      if (await getStatus(readerAgent, port)) reads++
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
  const readers = Array.from({ length: READERS }, reader)
  await Promise.all(hosts.map(node))
  const seconds = (performance.now() - started) / 1000
  done = true
  await Promise.all(readers)
  peak = Math.max(peak, peakRssMiB(server.pid!))
  cpu += cpuSeconds(server.pid!)
  server.kill('SIGTERM')
  for (const agent of agents) agent.destroy()
  readerAgent.destroy()
  // Every acknowledged event, in the store as the next server (or `bai-seed status -o`) reads it.
  const store = readStatusStore(root)
  const present = new Set<string>()
  for (const [, l] of store) for (const e of l.events) if (e.message) present.add(e.message)
  const missing = [...acked.keys()].filter((k) => !present.has(k)).length
  latencies.sort((a, b) => a - b)
  const figures: FleetFigures = {
    nodes: NODES,
    eventsPerNode: EVENTS,
    readers: READERS,
    acked: acked.size,
    missingAfterRestart: missing,
    eventsPerSecond: acked.size / seconds,
    ackLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
    statusReads: reads,
    retried,
    serverPeakRssMiB: peak,
    serverCpuSeconds: cpu,
    serverCpuMsPerEvent: acked.size ? (cpu * 1000) / acked.size : 0,
    restartMs,
  }
  log(`  ${figures.acked} events acknowledged in ${seconds.toFixed(1)} s: ${figures.eventsPerSecond.toFixed(0)} events/s; ack p50 ${figures.ackLatencyMs.p50.toFixed(1)} ms, p99 ${figures.ackLatencyMs.p99.toFixed(1)} ms; ` +
    `${reads} status reads; retried ${JSON.stringify(retried)}; restart ${restartMs.toFixed(0)} ms; missing after the restart: ${missing}; server peak RSS ${peak.toFixed(0)} MiB, ` +
    `CPU ${cpu.toFixed(1)} s (${figures.serverCpuMsPerEvent.toFixed(2)} ms per event, status reads included)`)
  return figures
}
