// ECMA-119 9.1: the Directory Record, one per file or directory (and "." / ".." in every directory).

import { putU16Both, putU32Both } from './both-endian.js'
import { MAX_RECORD_LENGTH } from './constants.js'
import { RECORDING_DATE_LENGTH } from './dates.js'

/** 9.1.6 File Flags bit 1: the record identifies a directory. */
export const FLAG_DIRECTORY = 0x02

/** 6.8.2.2: the identifier of a directory's own record ("."). */
export const SELF_IDENTIFIER = Buffer.from([0x00])

/** 6.8.2.2: the identifier of the record of a directory's parent (".."). */
export const PARENT_IDENTIFIER = Buffer.from([0x01])

export interface DirectoryRecordFields {
  /** 9.1.3: first logical block of the extent. */
  extent: number
  /** 9.1.4: length of the file section in bytes. */
  dataLength: number
  /** 9.1.5: 7-byte recording date (see dates.ts). */
  recorded: Buffer
  /** 9.1.6 */
  flags: number
  /** 9.1.11: the File Identifier bytes (d-characters for the primary tree, UCS-2 for Joliet). */
  identifier: Buffer
  /** 9.1.13: System Use field (SUSP entries); kept even-sized by the caller or padded here. */
  systemUse?: Buffer
}

/** 9.1.12: the fixed part (33 bytes), the identifier and a padding byte when LEN_FI is even. */
export function recordBaseLength(identifierLength: number): number {
  return 33 + identifierLength + (identifierLength % 2 === 0 ? 1 : 0)
}

/** The length of a whole record; odd System Use lengths get one 00 byte so records stay even-sized. */
export function recordLength(identifierLength: number, systemUseLength: number): number {
  return recordBaseLength(identifierLength) + systemUseLength + (systemUseLength % 2)
}

export function directoryRecord(f: DirectoryRecordFields): Buffer {
  const su = f.systemUse ?? Buffer.alloc(0)
  const length = recordLength(f.identifier.length, su.length)
  if (length > MAX_RECORD_LENGTH) throw new RangeError(`directory record of ${length} bytes exceeds 9.1.1's limit`)
  if (f.recorded.length !== RECORDING_DATE_LENGTH) throw new RangeError('9.1.5 date must be 7 bytes')
  const buf = Buffer.alloc(length)
  buf[0] = length // 9.1.1 LEN_DR
  buf[1] = 0 // 9.1.2 no extended attribute record
  putU32Both(buf, 2, f.extent) // 9.1.3
  putU32Both(buf, 10, f.dataLength) // 9.1.4
  f.recorded.copy(buf, 18) // 9.1.5
  buf[25] = f.flags // 9.1.6
  buf[26] = 0 // 9.1.7 file unit size: not interleaved
  buf[27] = 0 // 9.1.8 interleave gap size
  putU16Both(buf, 28, 1) // 9.1.9 volume sequence number
  buf[32] = f.identifier.length // 9.1.10 LEN_FI
  f.identifier.copy(buf, 33) // 9.1.11
  su.copy(buf, recordBaseLength(f.identifier.length)) // 9.1.13
  return buf
}
