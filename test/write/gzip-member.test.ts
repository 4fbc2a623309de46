// The gzip framing and CRC-32 against known values (RFC 1952; the CRC-32 check value of "123456789").
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gunzipSync } from 'node:zlib'
import { Readable, Writable } from 'node:stream'
import { crc32, crc32Table } from '../../src/write/crc32.js'
import { gzipHeader, gzipTrailer, gzipTo } from '../../src/write/gzip-member.js'
import { archiveMode } from '../../src/write/bundle.js'
import { gzipBase64, gzipBase64Async, gzipText, gzipTextAsync } from '../../src/render/cloud-config/gzip-base64.js'

async function gzip(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = []
  await gzipTo(Readable.from(chunks), new Writable({ write(c: Buffer, _e, done) { out.push(c); done() } }))
  return Buffer.concat(out)
}

test('crc32: check value and incremental use', () => {
  assert.is(crc32(Buffer.from('123456789')), 0xcbf43926)
  assert.is(crc32(Buffer.alloc(0)), 0)
  assert.is(crc32(Buffer.from('56789'), crc32(Buffer.from('1234'))), 0xcbf43926)
})

test('crc32: the native and the table form agree', () => {
  const data = Buffer.from(Array.from({ length: 70001 }, (_, i) => (i * 7919) % 256))
  for (const [a, b] of [[0, 0], [0, 1], [0, 70001], [13, 40000], [40000, 70001]] as const) {
    const part = data.subarray(a, b)
    assert.is(crc32(part), crc32Table(part))
    assert.is(crc32(part, 0xdeadbeef), crc32Table(part, 0xdeadbeef))
  }
})

test('user-data gzip: the thread-pool form gives the same bytes, and gunzips to the text', async () => {
  for (const text of ['', 'x', `#!/bin/bash\n${'echo héllo 한글\n'.repeat(3000)}`]) {
    const sync = gzipText(text)
    assert.ok(sync.equals(await gzipTextAsync(text)))
    assert.is(await gzipBase64Async(text), gzipBase64(text))
    assert.is(gunzipSync(sync).toString('utf8'), text)
    assert.is(sync.subarray(0, 10).toString('hex'), '1f8b08000000000000ff')
  }
})

test('header and trailer bytes', () => {
  assert.is(gzipHeader().toString('hex'), '1f8b08000000000002ff')
  assert.is(gzipHeader(6).toString('hex'), '1f8b08000000000000ff', 'XFL 0 below level 9')
  assert.is(gzipTrailer(0xcbf43926, 9).toString('hex'), '2639f4cb09000000')
  assert.is(gzipTrailer(1, 2 ** 32 + 5).toString('hex'), '0100000005000000', 'ISIZE is the size modulo 2^32')
})

test('gzipTo: a valid gzip member of the input, in any chunking, with the fixed header', async () => {
  const data = Buffer.from(Array.from({ length: 200000 }, (_, i) => (i * 7919) % 251))
  const whole = await gzip([data])
  const split = await gzip([data.subarray(0, 1), data.subarray(1, 65537), data.subarray(65537)])
  assert.ok(whole.equals(split), 'chunking does not change the bytes')
  assert.is(whole.subarray(0, 10).toString('hex'), '1f8b08000000000002ff')
  assert.ok(gunzipSync(whole).equals(data))
  assert.is(whole.readUInt32LE(whole.length - 8), crc32(data))
  assert.is(whole.readUInt32LE(whole.length - 4), data.length)
  const empty = await gzip([])
  assert.is(gunzipSync(empty).length, 0)
})

test('archiveMode keeps only "executable" and "readable by others"', () => {
  assert.is(archiveMode(0o100600, 'file'), 0o600)
  assert.is(archiveMode(0o100700, 'file'), 0o700)
  assert.is(archiveMode(0o100664, 'file'), 0o644)
  assert.is(archiveMode(0o100775, 'file'), 0o755)
  assert.is(archiveMode(0o100640, 'file'), 0o600, 'never looser than on disk')
  assert.is(archiveMode(0o100604, 'file'), 0o644)
  assert.is(archiveMode(0o40700, 'directory'), 0o755)
})

test.run()
