// The /status pages in a real headless browser (Debian's chromium): the fleet page and a node's page render, show the
// states and the failed step's log tail, load nothing from outside (no external CDN: the server's access log sees
// every request the page made), reload themselves, and the screenshot is a real, non-blank picture (PNG decoded
// here: size, and more than one colour). BAI_SEED_SCREENSHOT=FILE keeps the fleet page's screenshot (the README's).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync, gzipSync } from 'node:zlib'
import { tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { exampleInventory } from '../helpers/repo.js'
import { requireTool } from '../helpers/tools.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import type { AccessLogEntry } from '../../src/serve/access-log.js'
import { ev, post, reportPath, runEvents } from './fleet-helpers.js'

let out = ''
let server: RunningServer
const log: AccessLogEntry[] = []
const STEPS = ['user', 'limits', 'sysctl', 'hosts', 'docker', 'python', 'images']

/** Width, height and the number of distinct colours of an 8-bit RGB(A) PNG (chromium's screenshots). */
export function decodePng(png: Buffer): { width: number; height: number; colours: number } {
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature')
  let off = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (off < png.length) {
    const len = png.readUInt32BE(off)
    const type = png.toString('latin1', off + 4, off + 8)
    const data = png.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      assert.is(data[8], 8, 'bit depth 8')
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0
      assert.ok(channels, `colour type ${data[9]}`)
    } else if (type === 'IDAT') idat.push(data)
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const prev = Buffer.alloc(stride)
  const line = Buffer.alloc(stride)
  const colours = new Set<number>()
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1)
    const filter = raw[base]!
    for (let x = 0; x < stride; x++) {
      const v = raw[base + 1 + x]!
      const a = x >= channels ? line[x - channels]! : 0
      const b = prev[x]!
      const c = x >= channels ? prev[x - channels]! : 0
      let p = 0
      if (filter === 1) p = a
      else if (filter === 2) p = b
      else if (filter === 3) p = (a + b) >> 1
      else if (filter === 4) {
        const pa = Math.abs(b - c)
        const pb = Math.abs(a - c)
        const pc = Math.abs(a + b - 2 * c)
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      line[x] = (v + p) & 0xff
    }
    for (let x = 0; x < stride; x += channels * 7) colours.add((line[x]! << 16) | (line[x + 1]! << 8) | line[x + 2]!)
    line.copy(prev)
  }
  return { width, height, colours: colours.size }
}

function chromium(args: string[]): { status: number; stdout: string; stderr: string } {
  const profile = tempDir('chromium-profile')
  const r = spawnSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`, '--hide-scrollbars', ...args],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 },
  )
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** The page as chromium's DOM has it after loading (so the HTML is what a browser builds from it). */
async function domOf(url: string): Promise<string> {
  // chromium blocks this process while it runs: the server must answer, so run it in a worker-free way: a child
  // process that is waited on asynchronously.
  const { spawn } = await import('node:child_process')
  const profile = tempDir('chromium-profile')
  return new Promise((resolve, reject) => {
    const child = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.on('error', reject)
    child.on('close', () => resolve(stdout))
  })
}

async function screenshot(url: string, file: string, size = '1200,700'): Promise<Buffer> {
  const { spawn } = await import('node:child_process')
  const profile = tempDir('chromium-profile')
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars', `--window-size=${size}`, `--screenshot=${file}`, url],
    { stdio: ['ignore', 'ignore', 'ignore'] })
    child.on('error', reject)
    child.on('close', () => resolve())
  })
  return readFileSync(file)
}

test.before(async () => {
  requireTool('chromium')
  out = await renderFixture(exampleInventory)
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
  for (const e of runEvents(STEPS)) await post(server.port, reportPath(out, 'bai-m1'), e)
  const tail = gzipSync('[images] pulling cr.backend.ai/multiarch/python:3.9-ubuntu20.04\n[images] Error response from daemon: Get "https://10.0.2.101:5000/v2/": connection refused\n[images] could not pull 2 of 2 images\n').toString('base64')
  for (const e of runEvents(STEPS, 'images', tail)) await post(server.port, reportPath(out, 'bai-a01'), e)
  for (const e of runEvents(STEPS).slice(0, 8)) await post(server.port, reportPath(out, 'bai-a02'), e)
  await post(server.port, reportPath(out, 'bai-a02'), ev('reboot', { message: 'load the NVIDIA driver', expect: 900 }))
})

test.after(async () => {
  await server?.close()
})

test('chromium itself runs (the check can fail: a missing page is not a page)', () => {
  const r = chromium(['--version'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Chromium \d+/)
})

test('the fleet page: every node, failed first, the summary; it reloads itself; nothing loaded from elsewhere', async () => {
  log.length = 0
  const dom = await domOf(`${server.url}status`)
  assert.match(dom, /<h1>bai-seed fleet<\/h1>/)
  assert.match(dom, /1 done, 1 failed, 1 rebooting|1 failed, 1 rebooting, 1 done/)
  const rows = [...dom.matchAll(/<tr><td><a href="\/status\/([a-z0-9-]+)">/g)].map((m) => m[1])
  assert.equal(rows, ['bai-a01', 'bai-a02', 'bai-m1'])
  assert.match(dom, /<span class="st failed">failed<\/span>/)
  assert.match(dom, /<meta http-equiv="refresh" content="5">/)
  assert.not.match(dom, /<script|<link|https?:\/\/(?!127\.0\.0\.1)/)
  await new Promise((r) => setTimeout(r, 50))
  // The page and at most the browser's own favicon request; nothing else.
  assert.ok(log.every((e) => e.path === '/status' || e.path === '/favicon.ico'), log.map((e) => e.path).join(' '))
})

test('a node\'s page: steps, its failed step and log tail, the timeline', async () => {
  const dom = await domOf(`${server.url}status/bai-a01`)
  assert.match(dom, /<h1>bai-a01 <span class="st failed">failed<\/span><\/h1>/)
  assert.match(dom, /<td>images<\/td><td><span class="st failed">failed<\/span><\/td><td>images broke<\/td>/)
  assert.match(dom, /<h2>Log tail<\/h2><pre>\[images\] pulling cr\.backend\.ai/)
  assert.match(dom, /connection refused/)
  assert.match(dom, /<h2>Timeline<\/h2>/)
})

test('screenshot: a real picture of the fleet, not blank', async () => {
  const file = join(tempDir('shot'), 'status.png')
  const png = await screenshot(`${server.url}status`, file)
  const { width, height, colours } = decodePng(png)
  assert.is(width, 1200)
  assert.is(height, 700)
  assert.ok(colours >= 8, `${colours} colours: the page is blank`)
  if (process.env.BAI_SEED_SCREENSHOT) {
    mkdirSync(join(process.env.BAI_SEED_SCREENSHOT, '..'), { recursive: true })
    copyFileSync(file, process.env.BAI_SEED_SCREENSHOT)
  }
})

test('the PNG check can fail: a blank picture has one colour', async () => {
  const blank = join(tempDir('shot'), 'blank.png')
  const png = await screenshot('about:blank', blank, '300,200')
  const { width, colours } = decodePng(png)
  assert.is(width, 300)
  assert.is(colours, 1)
})

test.run()
