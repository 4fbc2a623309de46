// ECMA-119 section 7 field encoders and the two date formats (9.1.5, 8.4.26.1), against bytes worked out by hand.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  putPaddedAscii,
  putPaddedUcs2,
  putU16BE,
  putU16Both,
  putU16LE,
  putU32BE,
  putU32Both,
  putU32LE,
} from '../../../src/write/iso9660/both-endian.js'
import { recordingDate, unsetVolumeDate, volumeDate } from '../../../src/write/iso9660/dates.js'

const hex = (b: Buffer): string => b.toString('hex')

function field(size: number, put: (b: Buffer) => void): string {
  const b = Buffer.alloc(size)
  put(b)
  return hex(b)
}

test('7.2.1-7.2.3: 16-bit numbers little-, big- and both-endian', () => {
  assert.is(field(2, (b) => putU16LE(b, 0, 0x1234)), '3412')
  assert.is(field(2, (b) => putU16BE(b, 0, 0x1234)), '1234')
  assert.is(field(4, (b) => putU16Both(b, 0, 0x1234)), '34121234')
  assert.is(field(4, (b) => putU16Both(b, 0, 2048)), '00080800')
})

test('7.3.1-7.3.3: 32-bit numbers little-, big- and both-endian', () => {
  assert.is(field(4, (b) => putU32LE(b, 0, 0x12345678)), '78563412')
  assert.is(field(4, (b) => putU32BE(b, 0, 0x12345678)), '12345678')
  assert.is(field(8, (b) => putU32Both(b, 0, 0x12345678)), '7856341212345678')
  assert.is(field(8, (b) => putU32Both(b, 0, 0xffffffff)), 'ffffffffffffffff')
})

test('numbers out of range are refused, not wrapped', () => {
  assert.throws(() => putU16Both(Buffer.alloc(4), 0, 0x10000), RangeError)
  assert.throws(() => putU32Both(Buffer.alloc(8), 0, 2 ** 32), RangeError)
  assert.throws(() => putU32Both(Buffer.alloc(8), 0, -1), RangeError)
  assert.throws(() => putU32Both(Buffer.alloc(8), 0, 1.5), RangeError)
})

test('8.4.5: text fields are filled with spaces', () => {
  assert.is(field(8, (b) => putPaddedAscii(b, 0, 8, 'cidata')), '6369646174612020')
  assert.throws(() => putPaddedAscii(Buffer.alloc(4), 0, 4, 'toolong'), RangeError)
  assert.throws(() => putPaddedAscii(Buffer.alloc(4), 0, 4, 'é'), RangeError)
})

test('Joliet text fields: UCS-2 big-endian, filled with 00 20, odd length ends in 00', () => {
  assert.is(field(8, (b) => putPaddedUcs2(b, 0, 8, 'ab')), '0061006200200020')
  assert.is(field(5, (b) => putPaddedUcs2(b, 0, 5, 'ab')), '0061006200')
  // A surrogate pair that does not fit whole is left out, never cut in half.
  assert.is(field(4, (b) => putPaddedUcs2(b, 0, 4, 'a😀')), '00610020')
  assert.is(field(6, (b) => putPaddedUcs2(b, 0, 6, 'a😀')), '0061d83dde00')
})

test('9.1.5: 7-byte recording date, years since 1900, UTC', () => {
  assert.is(hex(recordingDate(0)), '46010100000000') // 1970-01-01 00:00:00
  assert.is(hex(recordingDate(1_577_836_800)), '78010100000000') // 2020-01-01 00:00:00
  assert.is(hex(recordingDate(1_700_000_000)), '7b0b0e160d1400') // 2023-11-14 22:13:20
  // Dates the byte cannot hold are clamped to 1900-01-01 / 2155-12-31 23:59:59.
  assert.is(hex(recordingDate(-3_000_000_000)), '00010100000000')
  assert.is(hex(recordingDate(10_000_000_000)), 'ff0c1f173b3b00')
})

test('8.4.26.1: 17-byte volume date, digits and a zero GMT offset', () => {
  assert.is(volumeDate(1_700_000_000).toString('latin1', 0, 16), '2023111422132000')
  assert.is(volumeDate(1_700_000_000)[16], 0)
  assert.is(hex(unsetVolumeDate()), '30'.repeat(16) + '00')
})

test.run()
