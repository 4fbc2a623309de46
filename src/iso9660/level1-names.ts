// ECMA-119 7.5 / 7.6 at interchange level 1 (10.1): the identifiers of the primary tree. Files are "NAME.EXT;1"
// with at most 8 + 3 d-characters (7.4.1: A-Z, 0-9, _); directories are at most 8 d-characters. Readers that know
// Rock Ridge show the NM name instead; these are the fallback for readers that know neither RR nor Joliet.

import { type OrderKey, codeUnits } from './record-order.js'
import { assignUniqueNames } from './unique-names.js'

export const LEVEL1_NAME_MAX = 8
export const LEVEL1_EXT_MAX = 3

export interface Level1Name {
  /** The identifier as recorded (9.1.11), e.g. "USER_DAT.;1" or "SUB". */
  identifier: string
  key: OrderKey
}

/** 7.4.1: d-characters. Lower case is folded; every other code point becomes "_". */
function dChars(text: string): string {
  let out = ''
  for (const ch of text) {
    const up = ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch
    out += /^[A-Z0-9_]$/.test(up) ? up : '_'
  }
  return out
}

interface Parts {
  stem: string
  ext: string
}

function fileParts(name: string): Parts {
  // A leading dot is a Unix "hidden" marker, not an extension separator.
  const trimmed = name.replace(/^\.+/, '')
  const dot = trimmed.lastIndexOf('.')
  const base = dot > 0 ? trimmed.slice(0, dot) : trimmed
  const ext = dot > 0 ? trimmed.slice(dot + 1) : ''
  const stem = dChars(base).slice(0, LEVEL1_NAME_MAX)
  // 7.5.1: name and extension may not both be empty (a name made only of dots).
  return { stem: stem || (ext ? '' : '_'), ext: dChars(ext).slice(0, LEVEL1_EXT_MAX) }
}

function dirParts(name: string): Parts {
  return { stem: dChars(name).slice(0, LEVEL1_NAME_MAX) || '_', ext: '' }
}

function identifierOf(p: Parts, isDir: boolean): string {
  // 7.5.1: a file identifier always has the separator "." and, here, version 1 after ";" (7.5.2).
  return isDir ? p.stem : `${p.stem}.${p.ext};1`
}

/** Files "FOO.;1" and directory "FOO" would look alike to readers that drop separators: treat them as equal. */
function collisionKey(identifier: string): string {
  return identifier.replace(/;1$/, '').replace(/\.$/, '')
}

function withSuffix(p: Parts, n: number): Parts {
  const suffix = String(n)
  if (suffix.length > LEVEL1_NAME_MAX) throw new RangeError('too many colliding level 1 names in one folder')
  return { stem: p.stem.slice(0, LEVEL1_NAME_MAX - suffix.length) + suffix, ext: p.ext }
}

export function orderKeyOf(identifier: string): OrderKey {
  const bare = identifier.replace(/;1$/, '')
  const dot = bare.indexOf('.')
  return dot < 0
    ? { name: codeUnits(bare), ext: [] }
    : { name: codeUnits(bare.slice(0, dot)), ext: codeUnits(bare.slice(dot + 1)) }
}

/**
 * Level 1 identifiers for the names of one folder, given in a fixed order; unique within the folder. Colliding
 * names get a decimal suffix in place of the name's last characters: "USER_DAT.;1", "USER_DA1.;1", ...
 */
export function level1Names(entries: { name: string; isDir: boolean }[]): Level1Name[] {
  const parts = entries.map((e) => (e.isDir ? dirParts(e.name) : fileParts(e.name)))
  const ids = assignUniqueNames(
    entries.map((e, i) => {
      const preferred = identifierOf(parts[i], e.isDir)
      const unchanged = e.isDir ? e.name === preferred : `${e.name};1` === preferred || `${e.name}.;1` === preferred
      return { preferred, unchanged }
    }),
    (i, n) => identifierOf(withSuffix(parts[i], n), entries[i].isDir),
    collisionKey,
  )
  return ids.map((identifier) => ({ identifier, key: orderKeyOf(identifier) }))
}
