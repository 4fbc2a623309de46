// Rock Ridge Interchange Protocol 1.12 (IEEE P1282 draft): the POSIX entries this writer records in the primary
// tree's System Use fields, SL for symbolic links (a remastered image keeps its base's). No PN (devices) or CL/PL/RE
// (relocation): the writer records no devices, and it keeps directories deeper than 8 levels in place (see layout.ts).

import { putU32Both } from './both-endian.js'
import { recordingDate } from './dates.js'
import { erEntry, suspEntry } from './susp.js'

/** POSIX file type bits (RRIP 4.1.1 uses the st_mode values of POSIX 5.6.1). */
export const S_IFDIR = 0o040000
export const S_IFREG = 0o100000
export const S_IFLNK = 0o120000

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

/** RRIP 4.1.3.1 SL entry flag: the link's components continue in the next SL entry. */
export const SL_CONTINUE = 0x01
/** RRIP 4.1.3.1 component record flags. */
export const SL_COMPONENT_CONTINUE = 0x01
export const SL_CURRENT = 0x02
export const SL_PARENT = 0x04
export const SL_ROOT = 0x08
/** Bytes of component records in one SL entry: 255 - 5 (header and flags). */
export const SL_MAX_AREA = 250

interface SlComponent {
  flags: number
  text: Buffer
}

/** The components of a link target: "/" ROOT first, "." CURRENT, ".." PARENT, names; empty parts ("//") dropped. */
function slComponents(target: Buffer): SlComponent[] {
  if (target.length === 0) throw new RangeError('a symbolic link target cannot be empty')
  const out: SlComponent[] = []
  if (target[0] === 0x2f) out.push({ flags: SL_ROOT, text: Buffer.alloc(0) })
  for (const part of target.toString('latin1').split('/')) {
    if (part === '') continue
    if (part === '.') out.push({ flags: SL_CURRENT, text: Buffer.alloc(0) })
    else if (part === '..') out.push({ flags: SL_PARENT, text: Buffer.alloc(0) })
    else out.push({ flags: 0, text: Buffer.from(part, 'latin1') })
  }
  return out
}

/**
 * RRIP 1.12 4.1.3: "SL", the link target as component records, over as many entries (CONTINUE) as it needs. Where
 * an entry is full, the boundary is put inside a name (component CONTINUE: the name that does not fit, or else the
 * entry's last name gives its last byte to the next entry): libarchive joins the first component of a continuing
 * entry without a "/", while the Linux kernel, libisofs and this project's reader take either form. Only a target
 * whose entry would end with a "." or ".." or a one-byte name then has a boundary at a "/".
 */
export function slEntries(target: Buffer): Buffer[] {
  const groups: SlComponent[][] = [[]]
  let used = 0
  const size = (c: SlComponent): number => c.text.length + 2
  for (const c of slComponents(target)) {
    let rest = c
    for (;;) {
      const group = groups[groups.length - 1]
      const room = SL_MAX_AREA - used
      if (size(rest) <= room) {
        group.push(rest)
        used += size(rest)
        break
      }
      let carry: SlComponent | null = null
      if (rest.flags === 0 && room >= 3) {
        group.push({ flags: SL_COMPONENT_CONTINUE, text: rest.text.subarray(0, room - 2) })
        rest = { flags: rest.flags, text: rest.text.subarray(room - 2) }
      } else {
        const last = group[group.length - 1]
        if (last && !(last.flags & ~SL_COMPONENT_CONTINUE) && last.text.length >= 2) {
          group[group.length - 1] = { flags: SL_COMPONENT_CONTINUE, text: last.text.subarray(0, last.text.length - 1) }
          carry = { flags: last.flags, text: last.text.subarray(last.text.length - 1) }
        }
      }
      groups.push(carry ? [carry] : [])
      used = carry ? size(carry) : 0
    }
  }
  return groups.map((g, i) =>
    suspEntry('SL', 1, Buffer.concat([Buffer.from([i < groups.length - 1 ? SL_CONTINUE : 0]), ...g.map((c) => Buffer.concat([Buffer.from([c.flags, c.text.length]), c.text]))])),
  )
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
