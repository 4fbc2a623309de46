// Whole images built in memory: where each structure lands, what points where, attributes, determinism, errors.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, truncate, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type IsoEntry, IsoWriteError, isoToBuffer, planIso, writeIso } from '../../../src/write/iso9660/index.js'
import { writeImageFile } from '../../../src/write/iso9660/image-writer.js'
import { ucs2 } from '../../../src/write/iso9660/joliet-names.js'

const S = 2048
const hex = (b: Buffer): string => b.toString('hex')
const seed: IsoEntry[] = [
  { type: 'file', path: 'user-data', content: '#cloud-config\n' },
  { type: 'file', path: 'meta-data', content: 'instance-id: node-1\n' },
]

/** Directory records of one directory extent, as [identifier, record] pairs. */
function records(image: Buffer, extent: number, size = S): Buffer[] {
  const out: Buffer[] = []
  let pos = extent * S
  const end = pos + size
  while (pos < end) {
    const len = image[pos]
    if (len === 0) {
      pos = (Math.floor(pos / S) + 1) * S
      continue
    }
    out.push(image.subarray(pos, pos + len))
    pos += len
  }
  return out
}
const identifier = (rec: Buffer): Buffer => rec.subarray(33, 33 + rec[32])
const extentOf = (rec: Buffer): number => rec.readUInt32LE(2)
const systemUse = (rec: Buffer): Buffer => rec.subarray(33 + rec[32] + (rec[32] % 2 === 0 ? 1 : 0))

/** Resolves when `p` rejects with an error satisfying `check`; fails the test otherwise. */
async function rejects(p: Promise<unknown>, check: (e: IsoWriteError) => boolean, what = ''): Promise<void> {
  try {
    await p
  } catch (e) {
    assert.ok(check(e as IsoWriteError), `unexpected error ${String(e)} ${what}`)
    return
  }
  assert.unreachable(`expected a rejection ${what}`)
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'iso9660-layout-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('two small files: 28 sectors, every structure where the layout puts it', async () => {
  const image = await isoToBuffer({ entries: seed, epoch: 1_577_836_800 })
  assert.is(image.length, 28 * S)
  const pvd = image.subarray(16 * S, 17 * S)
  const svd = image.subarray(17 * S, 18 * S)
  assert.is(hex(pvd.subarray(0, 7)), '01434430303101')
  assert.is(hex(svd.subarray(0, 7)), '02434430303101')
  assert.is(hex(image.subarray(18 * S, 18 * S + 7)), 'ff434430303101')
  assert.is(hex(image.subarray(0, 16 * S)), '00'.repeat(16 * S)) // System Area
  assert.is(pvd.readUInt32LE(80), 28)
  // Path tables: primary L at 19, M at 20, Joliet L at 21, M at 22; each a single root record.
  assert.is(hex(pvd.subarray(132, 156)), '0a0000000000000a' + '13000000' + '00000000' + '00000014' + '00000000')
  assert.is(hex(svd.subarray(132, 156)), '0a0000000000000a' + '15000000' + '00000000' + '00000016' + '00000000')
  assert.is(hex(image.subarray(19 * S, 19 * S + 10)), '01001700000001000000')
  assert.is(hex(image.subarray(20 * S, 20 * S + 10)), '01000000001700010000')
  assert.is(hex(image.subarray(21 * S, 21 * S + 10)), '01001900000001000000')
  // Root directories: primary at 23 (its CE area at 24), Joliet at 25.
  assert.is(extentOf(pvd.subarray(156, 190)), 23)
  assert.is(extentOf(svd.subarray(156, 190)), 25)

  const [self, parent, meta, user] = records(image, 23)
  assert.is(self.length, 140) // 34 + SP 7 + PX 44 + TF 26 + CE 28, padded to even
  const su = systemUse(self)
  assert.is(hex(su.subarray(0, 7)), '53500701beef00') // SP first (SUSP 5.3)
  assert.is(su.toString('latin1', 7, 9), 'PX')
  assert.is(su.toString('latin1', 51, 53), 'TF')
  assert.is(hex(su.subarray(77, 105)), '43451c01' + '1800000000000018' + '0'.repeat(16) + 'b9000000000000b9')
  assert.is(image.toString('latin1', 24 * S, 24 * S + 2), 'ER')
  assert.is(image.toString('latin1', 24 * S + 8, 24 * S + 18), 'IEEE_P1282')
  assert.is(hex(identifier(parent)), '01')
  assert.is(identifier(meta).toString(), 'META_DAT.;1')
  assert.is(identifier(user).toString(), 'USER_DAT.;1')
  assert.is(extentOf(meta), 26)
  assert.is(extentOf(user), 27)
  assert.ok(systemUse(meta).includes(Buffer.from('NM\x0e\x01\x00meta-data', 'latin1')))

  const joliet = records(image, 25)
  assert.equal(joliet.slice(2).map(identifier).map(hex), [hex(ucs2('meta-data')), hex(ucs2('user-data'))])
  assert.equal(joliet.slice(2).map(extentOf), [26, 27])
  assert.is(image.toString('latin1', 26 * S, 26 * S + 20), 'instance-id: node-1\n')
  assert.is(image.toString('latin1', 27 * S, 27 * S + 14), '#cloud-config\n')
})

test('modes, owners: 0644/0755 root by default, per-entry overrides in PX', async () => {
  const image = await isoToBuffer({
    entries: [
      { type: 'file', path: 'secret', content: 'hash', mode: 0o600 },
      { type: 'file', path: 'plain', content: 'x' },
      { type: 'directory', path: 'dir', mode: 0o700, uid: 1000, gid: 100 },
    ],
  })
  const root = extentOf(image.subarray(16 * S + 156))
  const px = (rec: Buffer): Buffer => {
    const su = systemUse(rec)
    const at = su.indexOf('PX')
    return su.subarray(at, at + 44)
  }
  const [self, , dir, plain, secret] = records(image, root)
  assert.is(identifier(secret).toString(), 'SECRET.;1')
  assert.is(hex(px(secret).subarray(4, 12)), '80810000' + '00008180') // 0100600
  assert.is(hex(px(plain).subarray(4, 12)), 'a4810000' + '000081a4') // 0100644
  assert.is(hex(px(dir).subarray(4, 12)), 'c0410000' + '000041c0') // 040700
  assert.is(px(dir).readUInt32LE(20), 1000)
  assert.is(px(dir).readUInt32LE(28), 100)
  assert.is(hex(px(self).subarray(4, 12)), 'ed410000' + '000041ed') // 040755
  assert.is(px(self).readUInt32LE(12), 3) // links: 2 + one subfolder
})

test('empty files and folders, deep folders (beyond 8 levels, not relocated)', async () => {
  const deep = Array.from({ length: 12 }, (_, i) => `d${i + 1}`).join('/')
  const image = await isoToBuffer({
    entries: [
      { type: 'file', path: 'empty', content: '' },
      { type: 'file', path: 'z', content: 'z' },
      { type: 'directory', path: 'hollow' },
      { type: 'file', path: `${deep}/leaf`, content: 'leaf' },
    ],
  })
  const pvd = image.subarray(16 * S)
  const ptSize = pvd.readUInt32LE(132)
  // 9.4: 8 bytes + identifier + pad to even: root 10, HOLLOW 14, D1-D9 10 each, D10-D12 12 each.
  assert.is(ptSize, 10 + 14 + 9 * 10 + 3 * 12)
  const root = records(image, extentOf(pvd.subarray(156)))
  const empty = root.find((r) => identifier(r).toString() === 'EMPTY.;1')!
  const z = root.find((r) => identifier(r).toString() === 'Z.;1')!
  assert.is(empty.readUInt32LE(10), 0)
  // An empty file points at the next file's extent, past all metadata, and takes no sector itself.
  assert.is(extentOf(empty), extentOf(z))
})

test('long and Unicode names: Rock Ridge NM carries the whole name via CE', async () => {
  const long = 'n'.repeat(243) + '-😀.yaml'
  const image = await isoToBuffer({ entries: [{ type: 'file', path: long, content: 'x' }] })
  const rootExtent = extentOf(image.subarray(16 * S + 156))
  const rec = records(image, rootExtent)[2]
  const su = systemUse(rec)
  const ce = su.subarray(su.indexOf('CE'))
  const block = ce.readUInt32LE(4)
  const offset = ce.readUInt32LE(12)
  const length = ce.readUInt32LE(20)
  assert.is(block, rootExtent + 1) // CE areas follow their directory (what libarchive needs)
  const area = image.subarray(block * S + offset, block * S + offset + length)
  const name = Buffer.from(long)
  assert.is(name.length, 253)
  // 253 bytes: one NM of 250 with CONTINUE, then one of 3.
  assert.is(hex(area.subarray(0, 5)), '4e4dff0101')
  assert.ok(Buffer.concat([area.subarray(5, 255), area.subarray(260, 263)]).equals(name))
})

test('the same inputs give the same bytes; SOURCE_DATE_EPOCH and epoch decide the dates', async () => {
  const saved = process.env.SOURCE_DATE_EPOCH
  try {
    delete process.env.SOURCE_DATE_EPOCH
    const a = await isoToBuffer({ entries: seed })
    const b = await isoToBuffer({ entries: [...seed].reverse() })
    assert.ok(a.equals(b))
    assert.is(a.toString('latin1', 16 * S + 813, 16 * S + 829), '2020010100000000')
    process.env.SOURCE_DATE_EPOCH = '1700000000'
    const c = await isoToBuffer({ entries: seed })
    assert.is(c.toString('latin1', 16 * S + 813, 16 * S + 829), '2023111422132000')
    assert.not.ok(a.equals(c))
    const d = await isoToBuffer({ entries: seed, epoch: 0 })
    assert.is(d.toString('latin1', 16 * S + 813, 16 * S + 829), '1970010100000000')
    process.env.SOURCE_DATE_EPOCH = 'yesterday'
    await rejects(isoToBuffer({ entries: seed }), (e) => (e as unknown as { code: string }).code === 'SOURCE_DATE_EPOCH')
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH
    else process.env.SOURCE_DATE_EPOCH = saved
  }
})

test('volume label: cidata by default, configurable, validated', async () => {
  const a = await isoToBuffer({ entries: seed })
  assert.is(a.toString('latin1', 16 * S + 40, 16 * S + 72).trimEnd(), 'cidata')
  const b = await isoToBuffer({ entries: seed, volumeId: 'config-2' })
  assert.is(b.toString('latin1', 16 * S + 40, 16 * S + 72).trimEnd(), 'config-2')
  assert.is(b.subarray(17 * S + 40, 17 * S + 56).swap16().toString('utf16le'), 'config-2')
  for (const volumeId of ['', ' ', 'x'.repeat(33), 'étiquette']) {
    await rejects(isoToBuffer({ entries: seed, volumeId }), (e: IsoWriteError) => e.code === 'INVALID_VOLUME_ID')
  }
})

test('bad entries are refused with a code', async () => {
  const cases: [IsoEntry[], string][] = [
    [[{ type: 'file', path: '../x', content: '' }], 'INVALID_PATH'],
    [[{ type: 'file', path: 'a//b', content: '' }], 'INVALID_PATH'],
    [[{ type: 'file', path: '', content: '' }], 'INVALID_PATH'],
    [[{ type: 'file', path: 'a', content: '' }, { type: 'file', path: '/a', content: '' }], 'DUPLICATE_ENTRY'],
    [[{ type: 'file', path: 'a', content: '' }, { type: 'file', path: 'a/b', content: '' }], 'PATH_CONFLICT'],
    [[{ type: 'directory', path: 'a' }, { type: 'file', path: 'a', content: '' }], 'DUPLICATE_ENTRY'],
    [[{ type: 'file', path: 'a', content: '', mode: 0o10000 }], 'INVALID_MODE'],
  ]
  for (const [entries, code] of cases) {
    await rejects(isoToBuffer({ entries }), (e: IsoWriteError) => e.code === code, JSON.stringify(entries))
  }
})

test('a source folder: scanned, overridden by entries, symlinks refused', () =>
  withTemp(async (dir) => {
    const src = join(dir, 'src')
    await mkdir(join(src, 'sub'), { recursive: true })
    await writeFile(join(src, 'user-data'), 'from disk\n')
    await writeFile(join(src, 'sub', 'f'), 'f')
    const image = await isoToBuffer({
      sourceDir: src,
      entries: [
        { type: 'file', path: 'user-data', content: 'from entry\n', mode: 0o600 },
        { type: 'file', path: 'sub/g', content: 'g' },
      ],
    })
    assert.ok(image.includes(Buffer.from('from entry\n')))
    assert.not.ok(image.includes(Buffer.from('from disk\n')))
    assert.ok(image.includes(Buffer.from('NM\x06\x01\x00g', 'latin1')))
    await symlink('user-data', join(src, 'link'))
    await rejects(isoToBuffer({ sourceDir: src }), (e: IsoWriteError) => e.code === 'UNSUPPORTED_FILE_TYPE')
  }),
)

test('streamed file equals the in-memory image, across chunk boundaries', () =>
  withTemp(async (dir) => {
    const big = Buffer.alloc(9 * 1024 * 1024 + 123)
    for (let i = 0; i + 4 <= big.length; i += 4) big.writeUInt32LE(Math.imul(i, 2654435761) >>> 0, i)
    await writeFile(join(dir, 'big.bin'), big)
    const entries: IsoEntry[] = [
      ...seed,
      { type: 'file', path: 'data/big.bin', source: join(dir, 'big.bin') },
      { type: 'file', path: 'data/zeros', content: Buffer.alloc(5 * 1024 * 1024) },
      { type: 'file', path: 'data/tail', content: 'tail' },
    ]
    const out = join(dir, 'out', 'seed.iso')
    const { size } = await writeIso({ entries, outFile: out })
    const written = await readFile(out)
    assert.is(written.length, size)
    const memory = await isoToBuffer({ entries })
    assert.is(createHash('sha256').update(written).digest('hex'), createHash('sha256').update(memory).digest('hex'))
    assert.equal(await readdir(join(dir, 'out')), ['seed.iso'])
  }),
)

test('a failed write leaves neither the image nor a temporary file', () =>
  withTemp(async (dir) => {
    await writeFile(join(dir, 'grows'), 'twelve bytes')
    const layout = await planIso({ entries: [{ type: 'file', path: 'f', source: join(dir, 'grows') }] })
    await truncate(join(dir, 'grows'), 3)
    const out = join(dir, 'seed.iso')
    await rejects(writeImageFile(layout, out), (e: IsoWriteError) => e.code === 'SOURCE_CHANGED')
    assert.equal(await readdir(dir), ['grows'])
    await stat(out).then(
      () => assert.unreachable('the image exists'),
      (e: NodeJS.ErrnoException) => assert.is(e.code, 'ENOENT'),
    )
  }),
)

test.run()
