// System tests: our images read by independent implementations (isoinfo, xorriso/libisofs, bsdtar/libarchive,
// blkid/libblkid) and compared with what genisoimage and cloud-localds make of the same files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, mkdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeIso } from '../../../src/write/iso9660/index.js'
import {
  type ListedEntry,
  parseIsoinfoListing,
  parseXorrisoListing,
  runTool,
  toolText,
} from './external-tools.js'
import { LONG_NAMES, UNICODE_NAMES, type TreeEntry, compareTrees, listTree, writeFixture, writeSeedFiles } from './fixture-tree.js'

let work = ''
let src = ''
let iso = ''
let source = new Map<string, TreeEntry>()

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'iso9660-readers-'))
  src = join(work, 'src')
  iso = join(work, 'ours.iso')
  await writeFixture(src)
  source = await listTree(src)
  await writeIso({ sourceDir: src, outFile: iso })
})

test.after(async () => {
  await rm(work, { recursive: true, force: true })
})

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1)
const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

function byFolder(entries: ListedEntry[]): Map<string, ListedEntry[]> {
  const out = new Map<string, ListedEntry[]>()
  for (const e of entries) out.set(parentOf(e.path), [...(out.get(parentOf(e.path)) ?? []), e])
  return out
}

function sourceFolders(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const path of source.keys()) out.set(parentOf(path), [...(out.get(parentOf(path)) ?? []), baseOf(path)])
  return out
}

/** Paths with type and size, the part of a listing every reader must agree on. */
const summary = (entries: Iterable<[string, TreeEntry]>): string[] =>
  [...entries].map(([p, e]) => `${e.type} ${e.type === 'file' ? e.size : '-'} ${p}`).sort()
const summaryOf = (entries: ListedEntry[]): string[] => summary(entries.map((e) => [e.path.replace(/\/$/, ''), e]))

test('isoinfo -d: label cidata, Joliet level 3 and Rock Ridge found, volume size matches the file', async () => {
  const out = toolText('isoinfo', ['-d', '-i', iso])
  assert.match(out, /^Volume id: cidata$/m)
  assert.match(out, /^Logical block size is: 2048$/m)
  assert.match(out, /^Joliet with UCS level 3 found$/m)
  assert.match(out, /^Rock Ridge signatures version 1 found$/m)
  const blocks = Number(/^Volume size is: (\d+)$/m.exec(out)?.[1])
  assert.is(blocks * 2048, (await stat(iso)).size)
})

test('isoinfo -l -R: every path, type, size and mode of the source folder', () => {
  const listed = parseIsoinfoListing(runTool('isoinfo', ['-l', '-R', '-i', iso]).stdout)
  assert.equal(summaryOf(listed), summary(source))
  for (const e of listed) assert.is(e.mode, e.type === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--', e.path)
  // Directory link counts: 2 + subfolders.
  const nested = listed.find((e) => e.path === '/nested')!
  assert.is(nested.links, 3)
})

test('isoinfo -l: level 1 names are 8.3 d-characters, unique in every folder', () => {
  const listed = parseIsoinfoListing(runTool('isoinfo', ['-l', '-i', iso]).stdout)
  const folders = sourceFolders()
  // Without Rock Ridge, the deep folders are reached through level 1 names: map counts per folder by depth.
  assert.is(listed.length, source.size)
  for (const [dir, entries] of byFolder(listed)) {
    const names = entries.map((e) => baseOf(e.path))
    assert.is(new Set(names).size, names.length, `duplicate level 1 names in ${dir}`)
    for (const e of entries) {
      assert.match(baseOf(e.path), e.type === 'dir' ? /^[A-Z0-9_]{1,8}$/ : /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/)
    }
  }
  assert.is(byFolder(listed).get('/')!.length, folders.get('/')!.length)
})

test('isoinfo -l -J: Joliet names of at most 64 characters, ASCII names as they are, same sizes', () => {
  const listed = parseIsoinfoListing(runTool('isoinfo', ['-l', '-J', '-i', iso]).stdout, 'latin1')
  assert.is(listed.length, source.size)
  const joliet = byFolder(listed)
  for (const [dir, names] of sourceFolders()) {
    const entries = joliet.get(dir) ?? []
    const listedNames = entries.map((e) => baseOf(e.path))
    for (const n of listedNames) assert.ok(n.length <= 64, `${dir}${n} is longer than 64`)
    for (const n of names) {
      if (/^[\x20-\x7e]{1,64}$/.test(n)) assert.ok(listedNames.includes(n), `${dir}${n} missing from Joliet`)
    }
    const sizes = (xs: number[]) => xs.sort((a, b) => a - b).join(',')
    assert.is(
      sizes(entries.filter((e) => e.type === 'file').map((e) => e.size)),
      sizes(names.filter((n) => source.get(dir + n)!.type === 'file').map((n) => source.get(dir + n)!.size)),
      dir,
    )
  }
})

test('xorriso -find (Rock Ridge): the source folder, modes included', () => {
  const listed = parseXorrisoListing(toolText('xorriso', ['-indev', iso, '-find', '/', '-exec', 'lsdl']))
  assert.equal(summaryOf(listed), summary(source))
  for (const e of listed) assert.is(e.mode, e.type === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--', e.path)
})

test('xorriso -read_fs norock (Joliet): Unicode names kept, long names cut to 64 UTF-16 units, unique', () => {
  const listed = parseXorrisoListing(
    toolText('xorriso', ['-read_fs', 'norock', '-indev', iso, '-find', '/', '-exec', 'lsdl']),
  )
  assert.is(listed.length, source.size)
  const names = (byFolder(listed).get('/names/') ?? []).map((e) => baseOf(e.path))
  assert.is(new Set(names).size, names.length)
  for (const n of names) assert.ok(n.length <= 64, n)
  for (const n of UNICODE_NAMES) {
    if (n.length <= 64) assert.ok(names.includes(n), n)
    else assert.ok(names.some((j) => j.startsWith(n.slice(0, 40)) && j.endsWith('.txt')), n)
  }
  for (const n of LONG_NAMES) assert.ok(names.some((j) => j.startsWith(n.slice(0, 40))), n)
  assert.ok(names.some((j) => /~1-?\w*\.txt$/.test(j) || j.includes('~1')), 'a collision suffix after cutting')
})

test('bsdtar -xf: extraction equals the source folder byte for byte', async () => {
  const out = join(work, 'bsdtar')
  await mkdir(out)
  runTool('bsdtar', ['-xf', iso, '-C', out])
  assert.equal(await compareTrees(src, out), [])
})

test('Rock Ridge names beyond one sector: chained CE areas read by xorriso and bsdtar', async () => {
  // Longer than NAME_MAX, so only possible through entries; isoinfo (cdrkit) crashes on such names.
  const huge = 'h'.repeat(3000) + '.txt'
  const many = Array.from({ length: 30 }, (_, i) => `wide/${String(i).padStart(2, '0')}-${'w'.repeat(220)}`)
  const img = join(work, 'long-names.iso')
  await writeIso({
    entries: [{ type: 'file', path: huge, content: 'h' }, ...many.map((path) => ({ type: 'file' as const, path, content: path }))],
    outFile: img,
  })
  const expected = ['/' + huge, '/wide', ...many.map((p) => '/' + p)].sort()
  // libisofs reads the whole name but shows names over 255 bytes cut, with a digest of the rest appended.
  const listed = parseXorrisoListing(toolText('xorriso', ['-indev', img, '-find', '/', '-exec', 'lsdl'])).map((e) => e.path)
  assert.equal(listed.filter((p) => !p.startsWith('/hhh')).sort(), expected.filter((p) => !p.startsWith('/hhh')))
  assert.is(listed.filter((p) => p.startsWith('/' + 'h'.repeat(200))).length, 1)
  const tar = toolText('bsdtar', ['-tf', img]).split('\n').filter((p) => p !== '' && p !== './' && p !== '.')
  assert.equal(tar.map((p) => '/' + p.replace(/^\.\//, '').replace(/\/$/, '')).sort(), expected)
})

test('blkid: LABEL="cidata" TYPE="iso9660"', () => {
  const out = toolText('blkid', ['-c', '/dev/null', iso])
  assert.match(out, /LABEL="cidata"/)
  assert.match(out, /TYPE="iso9660"/)
})

test('genisoimage -volid cidata -joliet -rock on the same folder: the same tree', () => {
  const theirs = join(work, 'genisoimage.iso')
  // -joliet-long: genisoimage refuses two names that meet when cut to 64 Joliet characters (ours adds ~1).
  runTool('genisoimage', ['-quiet', '-o', theirs, '-volid', 'cidata', '-joliet', '-joliet-long', '-rock', src])
  const read = (img: string): string[] =>
    parseXorrisoListing(toolText('xorriso', ['-indev', img, '-find', '/', '-exec', 'lsdl']))
      .filter((e) => e.path !== '/rr_moved') // genisoimage relocates folders deeper than 8 levels there
      .map((e) => `${e.mode} ${e.type === 'file' ? e.size : '-'} ${e.path}`)
      .sort()
  assert.equal(read(iso), read(theirs))
})

test('cloud-localds on the seed files: the same listing, and ours is far smaller', async () => {
  const seedDir = join(work, 'seed')
  await writeSeedFiles(seedDir)
  const ours = join(work, 'seed-ours.iso')
  const theirs = join(work, 'seed-cloud-localds.iso')
  const { size } = await writeIso({ sourceDir: seedDir, outFile: ours })
  runTool('cloud-localds', [
    `--network-config=${join(seedDir, 'network-config')}`,
    theirs,
    join(seedDir, 'user-data'),
    join(seedDir, 'meta-data'),
  ])
  const listing = (img: string, flag: string): string[] =>
    parseIsoinfoListing(runTool('isoinfo', ['-l', flag, '-i', img]).stdout).map(
      (e) => `${e.mode} ${e.links} ${e.size} ${e.path}`,
    )
  assert.equal(listing(ours, '-R'), listing(theirs, '-R'))
  assert.equal(listing(ours, '-J').map((l) => l.replace(/^\S+ \d+ /, '')), listing(theirs, '-J').map((l) => l.replace(/^\S+ \d+ /, '')))
  const theirSize = (await stat(theirs)).size
  assert.is(size, 29 * 2048) // 16 system + 3 descriptors + 4 path tables + root + its CE + Joliet root + 3 files
  assert.ok(size * 5 < theirSize, `ours ${size} bytes, cloud-localds ${theirSize} bytes`)
})

test.run()
