// ECMA-119 9.4: the Path Table, recorded twice per volume descriptor: Type L (little-endian numbers, 7.3.1 /
// 7.2.1) and Type M (big-endian, 7.3.2 / 7.2.2). Records are in the order of 6.9.1 (by level, then parent
// directory number, then identifier), which is the breadth-first order the layout numbers directories in.

import { putU16BE, putU16LE, putU32BE, putU32LE } from './both-endian.js'

export type PathTableType = 'L' | 'M'

export interface PathTableEntry {
  /** 9.4.5: directory identifier; the root's is a single 00 byte. */
  identifier: Buffer
  /** 9.4.3: first logical block of the directory's extent. */
  extent: number
  /** 9.4.4: number (1-based position in this table) of the parent directory; the root's parent is itself (1). */
  parent: number
}

/** 9.4: 8 fixed bytes, the identifier, and a padding byte when LEN_DI is odd. */
function pathTableRecordLength(identifierLength: number): number {
  return 8 + identifierLength + (identifierLength % 2)
}

export function pathTableRecord(entry: PathTableEntry, type: PathTableType): Buffer {
  const buf = Buffer.alloc(pathTableRecordLength(entry.identifier.length))
  buf[0] = entry.identifier.length // 9.4.1 LEN_DI
  buf[1] = 0 // 9.4.2 extended attribute record length
  if (type === 'L') {
    putU32LE(buf, 2, entry.extent)
    putU16LE(buf, 6, entry.parent)
  } else {
    putU32BE(buf, 2, entry.extent)
    putU16BE(buf, 6, entry.parent)
  }
  entry.identifier.copy(buf, 8) // 9.4.5, followed by the 9.4.6 padding byte left zero
  return buf
}

export function pathTable(entries: PathTableEntry[], type: PathTableType): Buffer {
  return Buffer.concat(entries.map((e) => pathTableRecord(e, type)))
}

/** 8.4.13 Path Table Size: bytes, without the padding to a whole sector. */
export function pathTableSize(identifierLengths: number[]): number {
  return identifierLengths.reduce((sum, n) => sum + pathTableRecordLength(n), 0)
}
