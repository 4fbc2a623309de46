// The guest's own upstream: built once from Debian packages by upstream/build-upstream.sh (cached under a key made of
// its recipe and the guest rootfs it resolves against), then served on this machine's loopback while a test runs: a
// static HTTP server for the apt repositories, python-build-standalone assets and the simple index, and Debian's
// docker-registry (read-only) for the images. The guest reaches them only through qemu's guestfwd (boot-vm.ts).
import { createHash } from 'node:crypto'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize } from 'node:path'
import { e2eCacheDir, e2eSourceDir } from './e2e-paths.js'
import { cachedBuild } from './cached-build.js'
import type { GuestRootfs } from './guest-rootfs.js'
import { DEFAULT_TARGET, OS_TARGETS } from '../../src/targets/os-targets.js'

/** Where the guest finds its upstream (qemu guestfwd addresses inside the user network 10.0.2.0/24). */
export const GUEST_HTTP = '10.0.2.100'
export const GUEST_REGISTRY = '10.0.2.101:5000'

export interface Upstream {
  dir: string
  www: string
  /** Fingerprint of the key that signs every repository. */
  fingerprint: string
  /** The key as a binary keyring, for the guest's trusted.gpg.d (its partial Debian mirror is signed with it). */
  keyring: string
  /** PEM of the CA that signed the registry's certificate. */
  caPem: string
  python: { version: string; release: string }
  images: string[]
}

const recipeDir = join(e2eSourceDir, 'upstream')

/**
 * The build resolves Docker's dependencies against the guest's package state and copies a library from it: the key is
 * the guest's dpkg status (not the whole rootfs recipe, so a changed guest unit does not rebuild the upstream) and the
 * recipe here.
 */
function recipeKey(rootfs: GuestRootfs): string {
  const hash = createHash('sha256').update('dpkg status\0').update(readFileSync(join(rootfs.dir, 'var/lib/dpkg/status'))).update('\0')
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`)
      else hash.update(`${rel}${name}\0`).update(readFileSync(p)).update('\0')
    }
  }
  walk(recipeDir, '')
  hash.update(`cuda package\0${cudaPackage}\0driver branch\0${driverBranch}\0`)
  return hash.digest('hex').slice(0, 16)
}

function load(dir: string): Upstream {
  const [version, release] = readFileSync(join(dir, 'python.txt'), 'utf8').trim().split(' ') as [string, string]
  const images = readFileSync(join(recipeDir, 'images.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
  return {
    dir,
    www: join(dir, 'www'),
    fingerprint: readFileSync(join(dir, 'archive.fpr'), 'utf8').trim(),
    keyring: join(dir, 'archive.gpg'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    python: { version, release },
    images,
  }
}

/**
 * The CUDA package the hermetic nodes install: the default of their OS target (`cuda.package: auto`), so the test
 * proves the name the product picks, not one pinned for the test.
 */
const cudaPackage = OS_TARGETS[DEFAULT_TARGET].nvidia.cudaPackage
/** Their driver branch (the stand-in driver, utils, modules and Fabric Manager packages carry it). */
const driverBranch = String(OS_TARGETS[DEFAULT_TARGET].nvidia.driverBranch)

/** The upstream for this rootfs, built when missing (a few minutes: Docker's .debs, Python, a registry). */
export function ensureUpstream(rootfs: GuestRootfs): Upstream {
  const script = join(recipeDir, 'build-upstream.sh')
  return load(cachedBuild('upstream', 'upstream', recipeKey(rootfs), script, [rootfs.dir, join(e2eCacheDir(), 'debs'), cudaPackage, driverBranch]).dir)
}

/** The running services: a static file server and the registry, both on 127.0.0.1. */
export class UpstreamServices {
  /** Every request the HTTP server answered: "GET /path 200". */
  readonly requests: string[] = []
  httpPort = 0
  registryPort = 0
  private server: Server | undefined
  private registry: ChildProcess | undefined

  constructor(private readonly upstream: Upstream, private readonly workDir: string) {}

  async start(): Promise<void> {
    const root = this.upstream.www
    this.server = createServer((req, res) => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!))
      let file = join(root, path)
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
      const ok = (req.method === 'GET' || req.method === 'HEAD') && !path.includes('..') && existsSync(file) && statSync(file).isFile()
      this.requests.push(`${req.method} ${path} ${ok ? 200 : 404}`)
      if (!ok) {
        res.writeHead(404).end()
        return
      }
      // pip reads an index page only when it is served as HTML.
      const type = file.endsWith('.html') ? 'text/html' : 'application/octet-stream'
      res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': type })
      if (req.method === 'HEAD') res.end()
      else createReadStream(file).pipe(res)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.httpPort = (this.server.address() as AddressInfo).port
    await this.startRegistry()
  }

  /** Debian's docker-registry on a free loopback port, read-only, TLS with the upstream's CA-signed certificate. */
  async startRegistry(): Promise<void> {
    if (this.registry) return
    if (!this.registryPort) this.registryPort = await freePort()
    mkdirSync(this.workDir, { recursive: true })
    const config = join(this.workDir, 'registry.yml')
    const d = this.upstream.dir
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: {level: warn}',
        `storage: {filesystem: {rootdirectory: ${d}/registry}, maintenance: {readonly: {enabled: true}}}`,
        `http: {addr: 127.0.0.1:${this.registryPort}, tls: {certificate: ${d}/registry.crt, key: ${d}/registry.key}}`,
        '',
      ].join('\n'),
    )
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.on('error', () => undefined)
    this.registry = child
    for (let i = 0; i < 100; i++) {
      const r = spawnSync('curl', ['-fsS', '-o', '/dev/null', '--cacert', join(d, 'ca.pem'), `https://127.0.0.1:${this.registryPort}/v2/`])
      if (r.status === 0) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error('docker-registry did not answer on its port')
  }

  async stopRegistry(): Promise<void> {
    const child = this.registry
    if (!child) return
    this.registry = undefined
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }

  async close(): Promise<void> {
    await this.stopRegistry()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}
