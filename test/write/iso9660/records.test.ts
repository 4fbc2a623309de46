// Each record type of ECMA-119, SUSP 1.12 and RRIP 1.12 against bytes worked out from the specifications.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { recordingDate } from '../../../src/write/iso9660/dates.js'
import {
  FLAG_DIRECTORY,
  PARENT_IDENTIFIER,
  SELF_IDENTIFIER,
  directoryRecord,
  recordLength,
} from '../../../src/write/iso9660/directory-record.js'
import { pathTable, pathTableRecord, pathTableSize } from '../../../src/write/iso9660/path-table.js'
import { nmEntries, pxEntry, rripErEntry, slEntries, tfEntry } from '../../../src/write/iso9660/rock-ridge.js'
import { areaLength, ceEntry, inRecordLength, packSystemUse, spEntry, suspEntry } from '../../../src/write/iso9660/susp.js'
import {
  jolietVolumeDescriptor,
  primaryVolumeDescriptor,
  terminatorVolumeDescriptor,
} from '../../../src/write/iso9660/volume-descriptors.js'

const hex = (b: Buffer): string => b.toString('hex')
const EPOCH_2020 = 1_577_836_800
const DATE_2020 = '78010100000000'

test('9.1: file record "A.TXT;1", odd identifier length, no padding byte', () => {
  const rec = directoryRecord({
    extent: 0x20,
    dataLength: 5,
    recorded: recordingDate(EPOCH_2020),
    flags: 0,
    identifier: Buffer.from('A.TXT;1'),
  })
  assert.is(
    hex(rec),
    '28' + // LEN_DR = 33 + 7
      '00' + // extended attribute record length
      '2000000000000020' + // extent, both-endian
      '0500000000000005' + // data length
      DATE_2020 +
      '00' + // flags: file
      '0000' + // unit size, interleave gap
      '01000001' + // volume sequence number
      '07' + // LEN_FI
      Buffer.from('A.TXT;1').toString('hex'),
  )
})

test('9.1: directory record "." of a root, even identifier length gets a padding byte', () => {
  const rec = directoryRecord({
    extent: 23,
    dataLength: 2048,
    recorded: recordingDate(EPOCH_2020),
    flags: FLAG_DIRECTORY,
    identifier: SELF_IDENTIFIER,
  })
  assert.is(hex(rec), '22' + '00' + '1700000000000017' + '0008000000000800' + DATE_2020 + '02' + '0000' + '01000001' + '01' + '00')
  const sub = directoryRecord({
    extent: 24,
    dataLength: 2048,
    recorded: recordingDate(EPOCH_2020),
    flags: FLAG_DIRECTORY,
    identifier: Buffer.from('SUB'),
  })
  assert.is(sub.length, 36)
  assert.is(hex(sub.subarray(32)), '03535542')
  assert.is(hex(PARENT_IDENTIFIER), '01')
})

test('9.1.13: System Use follows the identifier (and its padding); odd lengths are padded to even', () => {
  const rec = directoryRecord({
    extent: 0,
    dataLength: 0,
    recorded: recordingDate(0),
    flags: 0,
    identifier: Buffer.from('AB'),
    systemUse: Buffer.from('abc'),
  })
  assert.is(recordLength(2, 3), 40)
  assert.is(rec.length, 40)
  assert.is(hex(rec.subarray(32)), '02' + '4142' + '00' + '616263' + '00')
  assert.throws(() =>
    directoryRecord({ extent: 0, dataLength: 0, recorded: recordingDate(0), flags: 0, identifier: Buffer.from('A'), systemUse: Buffer.alloc(230) }),
  )
})

test('9.4: path table records, Type L and Type M', () => {
  const root = { identifier: Buffer.from([0]), extent: 0x13, parent: 1 }
  const sub = { identifier: Buffer.from('SUB'), extent: 0x18, parent: 1 }
  assert.is(hex(pathTableRecord(root, 'L')), '01' + '00' + '13000000' + '0100' + '00' + '00')
  assert.is(hex(pathTableRecord(root, 'M')), '01' + '00' + '00000013' + '0001' + '00' + '00')
  assert.is(hex(pathTableRecord(sub, 'L')), '03' + '00' + '18000000' + '0100' + '535542' + '00')
  const joliet = { identifier: Buffer.from('0073007500620063', 'hex'), extent: 0x19, parent: 1 }
  assert.is(hex(pathTableRecord(joliet, 'M')), '08' + '00' + '00000019' + '0001' + '0073007500620063')
  assert.is(pathTableSize([1, 3, 8]), 10 + 12 + 16)
  assert.is(pathTable([root, sub], 'L').length, 22)
})

const descriptorFields = {
  volumeId: 'cidata',
  volumeSpaceSize: 28,
  pathTableSize: 10,
  lPathTable: 19,
  mPathTable: 20,
  rootRecord: directoryRecord({
    extent: 23,
    dataLength: 2048,
    recorded: recordingDate(EPOCH_2020),
    flags: FLAG_DIRECTORY,
    identifier: SELF_IDENTIFIER,
  }),
  epoch: 1_700_000_000,
}

test('8.4: Primary Volume Descriptor fields at their byte positions', () => {
  const pvd = primaryVolumeDescriptor(descriptorFields)
  const at = (from: number, to: number): string => hex(pvd.subarray(from, to))
  assert.is(pvd.length, 2048)
  assert.is(at(0, 8), '01' + '4344303031' + '01' + '00') // type 1, "CD001", version 1
  assert.is(at(8, 40), '20'.repeat(32)) // system identifier
  assert.is(pvd.toString('latin1', 40, 72), 'cidata' + ' '.repeat(26))
  assert.is(at(72, 80), '00'.repeat(8))
  assert.is(at(80, 88), '1c0000000000001c') // volume space size 28
  assert.is(at(88, 120), '00'.repeat(32)) // no escape sequences in a PVD
  assert.is(at(120, 132), '01000001' + '01000001' + '00080800') // set size, sequence number, block size
  assert.is(at(132, 140), '0a0000000000000a') // path table size
  assert.is(at(140, 156), '13000000' + '00000000' + '00000014' + '00000000')
  assert.is(at(156, 190), hex(descriptorFields.rootRecord))
  assert.is(pvd.toString('latin1', 574, 582), 'BAI-SEED')
  assert.is(pvd.toString('latin1', 813, 829), '2023111422132000') // creation
  assert.is(pvd.toString('latin1', 830, 846), '2023111422132000') // modification
  assert.is(pvd.toString('latin1', 847, 863), '0000000000000000') // expiration: none
  assert.is(pvd.toString('latin1', 864, 880), '2023111422132000') // effective
  assert.is(at(829, 830) + at(846, 847) + at(863, 864) + at(880, 881), '00000000') // GMT offsets
  assert.is(at(881, 883), '0100') // file structure version 1, reserved
  assert.is(at(883, 2048), '00'.repeat(2048 - 883))
})

test('8.5 + Joliet: Supplementary Volume Descriptor with UCS-2 text and escape sequence %/E', () => {
  const svd = jolietVolumeDescriptor(descriptorFields)
  const at = (from: number, to: number): string => hex(svd.subarray(from, to))
  assert.is(at(0, 8), '02' + '4344303031' + '01' + '00')
  assert.is(at(8, 40), '0020'.repeat(16))
  assert.is(at(40, 72), '006300690064006100740061' + '0020'.repeat(10))
  assert.is(at(88, 120), '252f45' + '00'.repeat(29)) // UCS-2 level 3
  assert.is(at(702, 739), '0020'.repeat(18) + '00') // 37-byte field
  assert.is(at(574, 590), '004200410049002d0053004500450044') // "BAI-SEED"
  assert.is(svd.toString('latin1', 813, 829), '2023111422132000') // dates stay digits (8.4.26.1)
})

test('8.3: Volume Descriptor Set Terminator', () => {
  assert.is(hex(terminatorVolumeDescriptor()), 'ff' + '4344303031' + '01' + '00'.repeat(2041))
})

test('SUSP 4.1 header; 5.3 SP; 5.1 CE', () => {
  assert.is(hex(suspEntry('XY', 1, Buffer.from([0xaa]))), '5859' + '05' + '01' + 'aa')
  assert.is(hex(spEntry()), '5350' + '07' + '01' + 'beef' + '00')
  assert.is(
    hex(ceEntry(0x1d, 0x40, 0xb9)),
    '4345' + '1c' + '01' + '1d0000000000001d' + '4000000000000040' + 'b9000000000000b9',
  )
})

test('SUSP 5.5 ER naming RRIP 1.12 ("IEEE_P1282")', () => {
  const er = rripErEntry()
  // LEN_ER 185, version 1, LEN_ID 10, LEN_DES 73, LEN_SRC 94, EXT_VER 1
  assert.is(hex(er.subarray(0, 8)), '4552' + 'b9' + '01' + '0a' + '49' + '5e' + '01')
  assert.is(
    er.toString('latin1', 8),
    'IEEE_P1282' +
      'THE IEEE P1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS.' +
      'PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE P1282 SPECIFICATION.',
  )
  assert.is(er.length, 185)
})

test('RRIP 4.1.1 PX: 44 bytes with the file serial number', () => {
  const px = pxEntry({ mode: 0o100644, links: 1, uid: 0, gid: 0, serial: 5 })
  assert.is(
    hex(px),
    '5058' + '2c' + '01' + 'a4810000000081a4' + '0100000000000001' + '0'.repeat(16) + '0'.repeat(16) + '0500000000000005',
  )
  const dir = pxEntry({ mode: 0o040755, links: 3, uid: 1000, gid: 1000, serial: 1 })
  assert.is(hex(dir.subarray(4, 12)), 'ed410000000041ed')
  assert.is(hex(dir.subarray(20, 28)), 'e8030000000003e8')
})

test('RRIP 4.1.4 NM: short name, and a long one split with the CONTINUE flag', () => {
  assert.equal(nmEntries(Buffer.from('meta-data')).map(hex), ['4e4d' + '0e' + '01' + '00' + Buffer.from('meta-data').toString('hex')])
  const long = Buffer.alloc(300, 0x61)
  const parts = nmEntries(long)
  assert.is(parts.length, 2)
  assert.is(hex(parts[0].subarray(0, 5)), '4e4d' + 'ff' + '01' + '01')
  assert.is(parts[0].length, 255)
  assert.is(hex(parts[1].subarray(0, 5)), '4e4d' + '37' + '01' + '00')
  assert.is(parts[1].length, 55)
  assert.throws(() => nmEntries(Buffer.alloc(0)))
})

test('RRIP 4.1.3 SL: component records for ".", "..", "/", names; long names and targets split with CONTINUE', () => {
  // "SL", LEN, version 1, flags, then component records (flags, length, bytes).
  assert.equal(slEntries(Buffer.from('.')).map(hex), ['534c' + '07' + '01' + '00' + '0200'])
  assert.equal(slEntries(Buffer.from('focal')).map(hex), ['534c' + '0c' + '01' + '00' + '0005' + Buffer.from('focal').toString('hex')])
  assert.equal(slEntries(Buffer.from('../x')).map(hex), ['534c' + '0a' + '01' + '00' + '0400' + '000178'])
  assert.equal(slEntries(Buffer.from('/usr//lib/')).map(hex), ['534c' + '11' + '01' + '00' + '0800' + '0003' + '757372' + '0003' + '6c6962'])
  assert.equal(slEntries(Buffer.from('/')).map(hex), ['534c' + '07' + '01' + '00' + '0800'])
  // A 300-byte name: one component record of 248 bytes with CONTINUE, the rest in the next SL entry (CONTINUE set on
  // the first entry, as the component area is full).
  const long = slEntries(Buffer.from('n'.repeat(300)))
  assert.is(long.length, 2)
  assert.equal([...long[0].subarray(0, 7)], [0x53, 0x4c, 255, 1, 0x01, 0x01, 248])
  assert.equal([...long[1].subarray(0, 7)], [0x53, 0x4c, 5 + 2 + 52, 1, 0x00, 0x00, 52])
  // Many short components: packed up to 250 bytes per entry; the entry ends inside a name (component CONTINUE).
  const deep = slEntries(Buffer.from(Array.from({ length: 100 }, () => 'abcd').join('/')))
  assert.is(deep.length, 3)
  assert.is(deep[0].length, 255)
  assert.equal([deep[0][4], deep[1][4], deep[2][4]], [0x01, 0x01, 0x00])
  // 41 whole "abcd" records (246 bytes), then "ab" continued; the next entry starts with "cd".
  assert.equal([...deep[0].subarray(5 + 246)], [0x01, 2, 0x61, 0x62])
  assert.equal([...deep[1].subarray(5, 9)], [0x00, 2, 0x63, 0x64])
  // An entry that would end at a "/" with no room to start the next name: its last name gives a byte to the next.
  const tight = slEntries(Buffer.from(['x'.repeat(246), 'yy', 'zz'].join('/')))
  assert.equal(tight.length, 2)
  assert.equal([...tight[0].subarray(5, 7)], [0x01, 245])
  assert.is(tight[0].length, 5 + 247)
  assert.equal([...tight[1].subarray(4)], [0x00, 0x00, 1, 0x78, 0x00, 2, 0x79, 0x79, 0x00, 2, 0x7a, 0x7a])
  assert.throws(() => slEntries(Buffer.alloc(0)))
})

test('RRIP 4.1.6 TF: modify, access and attribute times in 7-byte form', () => {
  assert.is(hex(tfEntry(EPOCH_2020)), '5446' + '1a' + '01' + '0e' + DATE_2020.repeat(3))
})

test('System Use packing: what does not fit moves to a Continuation Area behind a CE', () => {
  const root = [spEntry(), pxEntry({ mode: 0o40755, links: 2, uid: 0, gid: 0, serial: 1 }), tfEntry(0), rripErEntry()]
  const packed = packSystemUse(root, 254 - 34)
  assert.is(packed.inRecord.length, 3)
  assert.equal(packed.areas, [[root[3]]])
  assert.is(inRecordLength(packed), 7 + 44 + 26 + 28)
  assert.is(areaLength(packed, 0), 185)
  const fits = packSystemUse(root.slice(0, 3), 220)
  assert.is(fits.areas.length, 0)
})

test('System Use packing: areas stay within one 2048-byte block and chain with CE', () => {
  const entries = Array.from({ length: 20 }, () => suspEntry('NM', 1, Buffer.alloc(246)))
  const packed = packSystemUse(entries, 100)
  assert.is(packed.inRecord.length, 0)
  assert.equal(packed.areas.map((a) => a.length), [8, 8, 4])
  assert.is(areaLength(packed, 0), 8 * 250 + 28)
  assert.is(areaLength(packed, 2), 4 * 250)
  for (let i = 0; i < packed.areas.length; i++) assert.ok(areaLength(packed, i) <= 2048)
})

test.run()
