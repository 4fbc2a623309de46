// ECMA-119 8: the Volume Descriptor Set, starting at sector 16: the Primary Volume Descriptor (8.4), the Joliet
// Supplementary Volume Descriptor (8.5 and the Joliet specification), and the Set Terminator (8.3).

import { putPaddedAscii, putPaddedUcs2, putU16Both, putU32BE, putU32Both, putU32LE } from './both-endian.js'
import { SECTOR_SIZE } from './constants.js'
import { unsetVolumeDate, volumeDate } from './dates.js'

/** 8.1.2 Standard Identifier. */
const STANDARD_IDENTIFIER = 'CD001'

/** 8.1.1 Volume Descriptor Types. */
export const TYPE_PRIMARY = 1
export const TYPE_SUPPLEMENTARY = 2
export const TYPE_TERMINATOR = 255

/** Joliet section 3: escape sequence "%/E" announces UCS-2 level 3 (no restriction on combining characters). */
export const JOLIET_LEVEL3_ESCAPE = Buffer.from('%/E', 'latin1')

/** 8.4.22: recorded in the Application Identifier so that readers can tell who wrote the image. */
export const APPLICATION_ID = 'BAI-SEED'

export interface VolumeDescriptorFields {
  volumeId: string
  /** 8.4.8: volume size in logical blocks. */
  volumeSpaceSize: number
  /** 8.4.13: bytes of one path table. */
  pathTableSize: number
  /** 8.4.14 / 8.4.16: first sector of the Type L and Type M path tables. */
  lPathTable: number
  mPathTable: number
  /** 8.4.18: the 34-byte record of the root directory ("." without System Use). */
  rootRecord: Buffer
  /** Creation, modification and effective dates (8.4.26-8.4.29). */
  epoch: number
}

function header(buf: Buffer, type: number): void {
  buf[0] = type // 8.1.1
  buf.write(STANDARD_IDENTIFIER, 1, 'latin1') // 8.1.2
  buf[6] = 1 // 8.1.3 version
}

type TextWriter = (buf: Buffer, offset: number, length: number, text: string) => void

// 8.4 and 8.5 share their layout; the SVD differs in its type, its escape sequences and its text encoding.
function volumeDescriptor(type: number, f: VolumeDescriptorFields, text: TextWriter, escapes: Buffer | null): Buffer {
  if (f.rootRecord.length !== 34) throw new RangeError('8.4.18: the root directory record must be 34 bytes')
  const buf = Buffer.alloc(SECTOR_SIZE)
  header(buf, type)
  buf[7] = 0 // 8.4.4 unused / 8.5.3 volume flags: escape sequences are ISO 2375 registered
  text(buf, 8, 32, '') // 8.4.5 system identifier
  text(buf, 40, 32, f.volumeId) // 8.4.6 volume identifier
  putU32Both(buf, 80, f.volumeSpaceSize) // 8.4.8
  if (escapes) escapes.copy(buf, 88) // 8.5.6 escape sequences (32 bytes, rest zero)
  putU16Both(buf, 120, 1) // 8.4.10 volume set size
  putU16Both(buf, 124, 1) // 8.4.11 volume sequence number
  putU16Both(buf, 128, SECTOR_SIZE) // 8.4.12 logical block size
  putU32Both(buf, 132, f.pathTableSize) // 8.4.13
  putU32LE(buf, 140, f.lPathTable) // 8.4.14
  putU32LE(buf, 144, 0) // 8.4.15 no optional Type L table
  putU32BE(buf, 148, f.mPathTable) // 8.4.16
  putU32BE(buf, 152, 0) // 8.4.17 no optional Type M table
  f.rootRecord.copy(buf, 156) // 8.4.18
  text(buf, 190, 128, '') // 8.4.19 volume set identifier
  text(buf, 318, 128, '') // 8.4.20 publisher identifier
  text(buf, 446, 128, '') // 8.4.21 data preparer identifier
  text(buf, 574, 128, APPLICATION_ID) // 8.4.22 application identifier
  text(buf, 702, 37, '') // 8.4.23 copyright file identifier
  text(buf, 739, 37, '') // 8.4.24 abstract file identifier
  text(buf, 776, 37, '') // 8.4.25 bibliographic file identifier
  volumeDate(f.epoch).copy(buf, 813) // 8.4.26 creation
  volumeDate(f.epoch).copy(buf, 830) // 8.4.27 modification
  unsetVolumeDate().copy(buf, 847) // 8.4.28 expiration: none
  volumeDate(f.epoch).copy(buf, 864) // 8.4.29 effective
  buf[881] = 1 // 8.4.30 file structure version
  // 8.4.31 byte 882 reserved, 8.4.32 application use (883-1394) and 8.4.33 reserved (1395-2047) stay zero.
  return buf
}

/** 8.4: the Primary Volume Descriptor (type 1). */
export function primaryVolumeDescriptor(f: VolumeDescriptorFields): Buffer {
  return volumeDescriptor(TYPE_PRIMARY, f, putPaddedAscii, null)
}

/** 8.5 + Joliet: a Supplementary Volume Descriptor (type 2) with UCS-2 text and the level 3 escape sequence. */
export function jolietVolumeDescriptor(f: VolumeDescriptorFields): Buffer {
  return volumeDescriptor(TYPE_SUPPLEMENTARY, f, putPaddedUcs2, JOLIET_LEVEL3_ESCAPE)
}

/** 8.3: the Volume Descriptor Set Terminator (type 255), zero after its 7-byte header. */
export function terminatorVolumeDescriptor(): Buffer {
  const buf = Buffer.alloc(SECTOR_SIZE)
  header(buf, TYPE_TERMINATOR)
  return buf
}
