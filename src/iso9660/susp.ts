// System Use Sharing Protocol 1.12 (IEEE P1281): entries in a directory record's System Use field, and the
// Continuation Areas that take what does not fit in the 255-byte record.

import { putU32Both } from './both-endian.js'
import { SECTOR_SIZE } from './constants.js'

/** SUSP 4.1: every entry starts with a 2-byte signature, its length (including this header) and a version. */
export function suspEntry(signature: string, version: number, body: Buffer): Buffer {
  if (!/^[A-Z]{2}$/.test(signature)) throw new RangeError(`bad SUSP signature ${JSON.stringify(signature)}`)
  const length = 4 + body.length
  if (length > 255) throw new RangeError(`SUSP ${signature} entry of ${length} bytes exceeds 255`)
  const head = Buffer.from([signature.charCodeAt(0), signature.charCodeAt(1), length, version])
  return Buffer.concat([head, body])
}

/** SUSP 5.3: "SP", first entry of the root's "." record: check bytes BE EF, no bytes skipped (LEN_SKP 0). */
export function spEntry(): Buffer {
  return suspEntry('SP', 1, Buffer.from([0xbe, 0xef, 0x00]))
}

/** SUSP 5.1: "CE", where the System Use Area continues: block, offset in it, and length (all 7.3.3). */
export const CE_LENGTH = 28

export function ceEntry(block: number, offset: number, length: number): Buffer {
  const body = Buffer.alloc(24)
  putU32Both(body, 0, block)
  putU32Both(body, 8, offset)
  putU32Both(body, 16, length)
  return suspEntry('CE', 1, body)
}

/** SUSP 5.5: "ER", the Extensions Reference naming the extension in use (here Rock Ridge, see rock-ridge.ts). */
export function erEntry(identifier: string, descriptor: string, source: string, extensionVersion: number): Buffer {
  const id = Buffer.from(identifier, 'latin1')
  const des = Buffer.from(descriptor, 'latin1')
  const src = Buffer.from(source, 'latin1')
  const head = Buffer.from([id.length, des.length, src.length, extensionVersion])
  return suspEntry('ER', 1, Buffer.concat([head, id, des, src]))
}

/**
 * Entries placed for one directory record: those inside the record, then Continuation Areas in order. When
 * `areas` is not empty, the record ends with a CE pointing at areas[0], and each area but the last ends with a
 * CE pointing at the next; the layout fills in those locations.
 */
export interface PackedSystemUse {
  inRecord: Buffer[]
  areas: Buffer[][]
}

const sum = (entries: Buffer[]): number => entries.reduce((n, e) => n + e.length, 0)

/** Bytes the record's System Use field takes, CE included. */
export function inRecordLength(p: PackedSystemUse): number {
  return sum(p.inRecord) + (p.areas.length > 0 ? CE_LENGTH : 0)
}

/** Bytes of Continuation Area i, including the CE that chains to area i + 1. */
export function areaLength(p: PackedSystemUse, i: number): number {
  return sum(p.areas[i]) + (i < p.areas.length - 1 ? CE_LENGTH : 0)
}

/**
 * Keeps entries in order, puts as many as fit into the record (`room` bytes) and the rest into Continuation
 * Areas. SUSP 5.1 does not let an area cross a logical block, so each area holds at most one block, chaining on.
 */
export function packSystemUse(entries: Buffer[], room: number): PackedSystemUse {
  if (sum(entries) <= room) return { inRecord: entries, areas: [] }
  let i = 0
  let used = 0
  const inRecord: Buffer[] = []
  while (i < entries.length && used + entries[i].length <= room - CE_LENGTH) {
    used += entries[i].length
    inRecord.push(entries[i++])
  }
  const areas: Buffer[][] = []
  while (i < entries.length) {
    const cap = sum(entries.slice(i)) <= SECTOR_SIZE ? SECTOR_SIZE : SECTOR_SIZE - CE_LENGTH
    const area: Buffer[] = []
    let filled = 0
    while (i < entries.length && filled + entries[i].length <= cap) {
      filled += entries[i].length
      area.push(entries[i++])
    }
    areas.push(area)
  }
  return { inRecord, areas }
}
