// A rendered output folder with a PXE tree whose one node (bai-all, MAC 52:54:00:aa:bb:cc) holds secrets (a password):
// its seeds are 0600 and served only with its seed token; its report URL (on its kernel command line) carries its report token. Made through the
// library (render, then pxe), as `bai-seed render` and `bai-seed pxe` would.
import { formatDiagnostic } from '../../src/diagnostics/diagnostic.js'
import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { writePxeTree } from '../../src/pipeline/pxe-cluster.js'
import { nodeToken, readNodeKey } from '../../src/serve/node-token.js'

export const NODE = 'bai-all'
export const MAC = '52:54:00:aa:bb:cc'
export const MARKER = 'pxe/installed/01-52-54-00-aa-bb-cc'
export const HTTP_BASE = 'http://192.168.50.5:8080/'
export const ENV = { SOURCE_DATE_EPOCH: '1700000000', BAI_TEST_PASSWORD: 'pw' }

export interface PxeFixture {
  dir: string
  out: string
  inventory: string
  seedPath: string
  donePath: string
}

export async function pxeFixture(): Promise<PxeFixture> {
  const dir = tempDir('serve')
  const inventory = join(dir, 'cluster.yaml')
  writeFileSync(inventory, readFileSync(join(fixtures, 'single-node.yaml'), 'utf8').replace('    interface: enp1s0\n', `    interface: enp1s0\n    mac: "${MAC}"\n`))
  const out = join(dir, 'out')
  const rendered = await renderCluster({ inventoryFile: inventory, profileDirs: [], outDir: out, only: [], powerOffWhenDone: false, isos: false, env: ENV })
  if (!rendered.manifest) throw new Error('render failed')
  const pxe = await writePxeTree({
    inventoryFile: inventory,
    profileDirs: [],
    outDir: out,
    only: [],
    env: ENV,
    flags: { httpBase: HTTP_BASE, kernel: 'casper/vmlinuz', initrd: 'casper/initrd', serveRoot: out },
  })
  if (!pxe.manifest) throw new Error(`pxe failed: ${pxe.diagnostics.map(formatDiagnostic).join('; ')}`)
  const key = readNodeKey(out)!
  return {
    dir,
    out,
    inventory,
    seedPath: `/${NODE}/${nodeToken(key, 'seed', NODE)}/autoinstall/user-data`,
    donePath: `/report/${NODE}/${nodeToken(key, 'report', NODE)}`,
  }
}

export interface Reply {
  status: number
  body: string
}

/** One request on a new connection, from `localAddress` (any 127.x.y.z is this machine). */
export function send(port: number, path: string, method = 'GET', localAddress = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Starts the real CLI `serve` (with `pre`: a shell line run before it, e.g. `ulimit -n 100`); resolves once it serves. */
export async function startCli(args: string[], pre = ''): Promise<{ child: import('node:child_process').ChildProcess; url: string; port: number; stdout: () => string; stderr: () => string; stop(): Promise<number | null> }> {
  const { spawn } = await import('node:child_process')
  const { binRun } = await import('../helpers/repo.js')
  const command = `${pre ? `${pre} && ` : ''}exec "$0" "$@"`
  const child = spawn('sh', ['-c', command, process.execPath, binRun, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}${stderr}`)), 30_000)
    const look = (): void => {
      const m = /serving .* at (http:\/\/[^ ]+\/) /.exec(stdout)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', look)
    child.on('exit', () => reject(new Error(`serve exited: ${stdout}${stderr}`)))
  })
  return {
    child,
    url,
    port: Number(new URL(url).port),
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      }),
  }
}
