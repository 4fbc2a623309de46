// Multi-GiB images from sparse files: a 4 GiB - 1 file (the largest one extent holds) with another file after it,
// so that data lies beyond 4 GiB in the image, and a 5 GiB file that must be refused. The image is written by a
// child process to measure its peak memory. Holes stay holes in the image, so this needs little disk; the time
// goes into the kernel filling the page cache while the holes are read (about 1 GiB/s).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtemp, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IsoWriteError, writeIso } from '../../../src/write/iso9660/index.js'
import { parseIsoinfoListing, parseXorrisoListing, runTool, toolText } from './external-tools.js'

const MAX = 2 ** 32 - 1
const GiB = 2 ** 30
let work = ''

async function sparse(path: string, size: number): Promise<void> {
  const fh = await open(path, 'w')
  await fh.truncate(size)
  await fh.close()
}

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'iso9660-large-'))
})

test.after(async () => {
  await rm(work, { recursive: true, force: true })
})

test('a 4 GiB - 1 file: a 4 GiB image, read back by isoinfo, xorriso and bsdtar; memory stays flat', async () => {
  const src = join(work, 'src')
  await mkdir(src)
  await sparse(join(src, 'huge.img'), MAX)
  await writeFile(join(src, 'zz-after.txt'), 'after four GiB\n')
  const iso = join(work, 'large.iso')
  const module = new URL('../../../src/write/iso9660/index.js', import.meta.url).href
  const script =
    `const { writeIso } = await import(${JSON.stringify(module)});` +
    `const r = await writeIso({ sourceDir: ${JSON.stringify(src)}, outFile: ${JSON.stringify(iso)} });` +
    `console.log(JSON.stringify({ size: r.size, maxRssKiB: process.resourceUsage().maxRSS }))`
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
  assert.is(child.status, 0, child.stderr)
  const { size, maxRssKiB } = JSON.parse(child.stdout) as { size: number; maxRssKiB: number }
  assert.ok(size > MAX, `image of ${size} bytes`)
  assert.is((await stat(iso)).size, size)
  assert.ok(maxRssKiB < 100 * 1024, `peak RSS ${maxRssKiB} KiB`)

  const isoinfo = parseIsoinfoListing(runTool('isoinfo', ['-l', '-R', '-i', iso]).stdout)
  assert.equal(
    isoinfo.map((e) => `${e.path} ${e.size}`),
    [`/huge.img ${MAX}`, '/zz-after.txt 15'],
  )
  const xorriso = parseXorrisoListing(toolText('xorriso', ['-indev', iso, '-find', '/', '-exec', 'lsdl']))
  assert.equal(
    xorriso.map((e) => `${e.path} ${e.size}`),
    [`/huge.img ${MAX}`, '/zz-after.txt 15'],
  )
  assert.match(toolText('bsdtar', ['-tvf', iso]), new RegExp(`\\s${MAX}\\s.*huge\\.img`))
  // The last file lies beyond 4 GiB: its bytes come back through two readers.
  assert.is(runTool('isoinfo', ['-R', '-i', iso, '-x', '/zz-after.txt']).stdout.toString(), 'after four GiB\n')
  const extracted = join(work, 'after.txt')
  runTool('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/zz-after.txt', extracted])
  assert.is(await readFile(extracted, 'utf8'), 'after four GiB\n')
})

test('a file over 4 GiB - 1 is refused with a clear error, and nothing is written', async () => {
  const src = join(work, 'too-big')
  await mkdir(src)
  await sparse(join(src, 'five.img'), 5 * GiB)
  const out = join(work, 'out')
  await mkdir(out)
  try {
    await writeIso({ sourceDir: src, outFile: join(out, 'x.iso') })
    assert.unreachable('a 5 GiB file was accepted')
  } catch (e) {
    assert.instance(e, IsoWriteError)
    assert.is((e as IsoWriteError).code, 'FILE_TOO_LARGE')
    assert.match((e as Error).message, /five\.img.* 5368709120 bytes; .*at most 4294967295 bytes \(4 GiB - 1\)/)
  }
  assert.equal(await readdir(out), [])
})

test.run()
