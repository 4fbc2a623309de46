// A real `bai-seed serve` of the test's output folder on the host's loopback, for the nodes' reports (the guest reaches
// it through a qemu guestfwd, as it reaches the upstream), and `bai-seed status --json` against it.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './e2e-paths.js'
import type { NodeDetail } from '../../src/fleet/fleet-source.js'

export interface ReportServe {
  url: string
  port: number
  close(): Promise<void>
}

/** Starts `bai-seed serve -o OUT --port 0` (its output, the access log, goes to LOGFILE) and waits for its URL. */
export function startReportServe(outDir: string, logFile: string): Promise<ReportServe> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), 'serve', '-o', outDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const log = createWriteStream(logFile, { flags: 'a' })
  child.stderr!.pipe(log, { end: false })
  return new Promise((resolve, reject) => {
    let head = ''
    const onData = (c: Buffer): void => {
      head += c.toString()
      const m = /^serving .* at (http:\/\/127\.0\.0\.1:(\d+)\/) /m.exec(head)
      if (!m) return
      child.stdout!.off('data', onData)
      log.write(head)
      child.stdout!.pipe(log, { end: false })
      resolve({
        url: m[1]!,
        port: Number(m[2]),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`bai-seed serve exited (${code}) before serving:\n${head}`)))
  })
}

/** `bai-seed status NODE... --json --url URL`: each node's state, steps, timeline and log tail. */
export function fleetStatus(url: string, hosts: string[]): Promise<NodeDetail[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), 'status', ...hosts, '--json', '--url', url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => {
      // Exit 0 (all done) or 1 (any not done) both print the JSON; anything else is a failure of its own.
      if (code !== 0 && code !== 1) return reject(new Error(`bai-seed status exited ${code}: ${stderr}`))
      try {
        resolve(JSON.parse(stdout) as NodeDetail[])
      } catch (e) {
        reject(new Error(`bai-seed status --json printed no JSON (${(e as Error).message}): ${stdout}${stderr}`))
      }
    })
  })
}
