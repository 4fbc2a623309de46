// Rock Ridge Interchange Protocol 1.12 (IEEE P1282 draft): the POSIX entries this writer records in the primary
// tree's System Use fields. No SL (symbolic links), PN (devices) or CL/PL/RE (relocation): the writer records
// neither links nor devices, and it keeps directories deeper than 8 levels in place (see layout.ts).

import { putU32Both } from './both-endian.js'
import { recordingDate } from './dates.js'
import { erEntry, suspEntry } from './susp.js'

/** POSIX file type bits (RRIP 4.1.1 uses the st_mode values of POSIX 5.6.1). */
export const S_IFDIR = 0o040000
export const S_IFREG = 0o100000

export interface PosixAttributes {
  /** Full st_mode: type and permission bits. */
  mode: number
  links: number
  uid: number
  gid: number
  /** File serial number (st_ino), new in RRIP 1.12. */
  serial: number
}

/** RRIP 1.12 4.1.1: "PX", 44 bytes: mode, links, uid, gid, serial number, each 7.3.3. */
export function pxEntry(a: PosixAttributes): Buffer {
  const body = Buffer.alloc(40)
  putU32Both(body, 0, a.mode)
  putU32Both(body, 8, a.links)
  putU32Both(body, 16, a.uid)
  putU32Both(body, 24, a.gid)
  putU32Both(body, 32, a.serial)
  return suspEntry('PX', 1, body)
}

/** RRIP 4.1.4 NM flag: the name continues in the next NM entry. */
export const NM_CONTINUE = 0x01

/** An NM entry holds 255 - 5 name bytes at most. */
export const NM_MAX_PART = 250

/** RRIP 1.12 4.1.4: "NM", the alternate (POSIX) name, split over as many entries as its length needs. */
export function nmEntries(name: Buffer): Buffer[] {
  if (name.length === 0) throw new RangeError('an NM name cannot be empty')
  const out: Buffer[] = []
  for (let at = 0; at < name.length; at += NM_MAX_PART) {
    const part = name.subarray(at, at + NM_MAX_PART)
    const more = at + NM_MAX_PART < name.length
    out.push(suspEntry('NM', 1, Buffer.concat([Buffer.from([more ? NM_CONTINUE : 0]), part])))
  }
  return out
}

/** RRIP 4.1.6 TF flags: modification, access and attribute-change times, each a 7-byte 9.1.5 date. */
export const TF_MODIFY = 0x02
export const TF_ACCESS = 0x04
export const TF_ATTRIBUTES = 0x08

/** RRIP 1.12 4.1.6: "TF", the modification, access and attribute-change times, all the same epoch. */
export function tfEntry(epochSeconds: number): Buffer {
  const date = recordingDate(epochSeconds)
  const flags = TF_MODIFY | TF_ACCESS | TF_ATTRIBUTES
  return suspEntry('TF', 1, Buffer.concat([Buffer.from([flags]), date, date, date]))
}

/** RRIP 1.12 section 5: the ER entry identifying RRIP 1.12 (extension version 1). */
export const RRIP_ID = 'IEEE_P1282'
export const RRIP_DESCRIPTOR = 'THE IEEE P1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS.'
export const RRIP_SOURCE =
  'PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE P1282 SPECIFICATION.'

export function rripErEntry(): Buffer {
  return erEntry(RRIP_ID, RRIP_DESCRIPTOR, RRIP_SOURCE, 1)
}
