// Joliet (Microsoft, 1995) identifiers: UCS-2 big-endian, at most 64 characters (128 bytes), none of
// * / : ; ? \ or controls. Characters outside the BMP are stored as UTF-16 surrogate pairs, which Windows and
// Linux read back; a pair is never split when a name is cut. File identifiers carry no ";1" version (as
// genisoimage writes them; readers accept both).

import { isHighSurrogate, isLowSurrogate } from './both-endian.js'
import { type OrderKey, codeUnits } from './record-order.js'
import { assignUniqueNames } from './unique-names.js'

export const JOLIET_MAX_UNITS = 64

/** A name cut to fit keeps an extension of up to this many code units (dot included), e.g. ".yaml". */
const KEEP_EXTENSION_MAX = 16

export interface JolietName {
  /** The identifier as text; recorded as ucs2(text). */
  text: string
  key: OrderKey
}

/** Replaces what Joliet forbids, and unpaired surrogates (not valid UTF-16), with "_". */
export function jolietSafe(name: string): string {
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const u = name.charCodeAt(i)
    if (isHighSurrogate(u) && i + 1 < name.length && isLowSurrogate(name.charCodeAt(i + 1))) {
      out += name[i] + name[i + 1]
      i++
    } else if (u < 0x20 || '*/:;?\\'.includes(name[i]) || isHighSurrogate(u) || isLowSurrogate(u)) {
      out += '_'
    } else {
      out += name[i]
    }
  }
  return out
}

/** The first `max` code units of text, one fewer if that would end inside a surrogate pair. */
export function cutUnits(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = Math.max(0, max)
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1
  return text.slice(0, cut)
}

interface Parts {
  stem: string
  ext: string
}

function split(safe: string, isDir: boolean): Parts {
  const dot = safe.lastIndexOf('.')
  if (isDir || dot <= 0 || safe.length - dot > KEEP_EXTENSION_MAX) return { stem: safe, ext: '' }
  return { stem: safe.slice(0, dot), ext: safe.slice(dot) }
}

function fit(p: Parts, suffix: string): string {
  const whole = p.stem + suffix + p.ext
  if (whole.length <= JOLIET_MAX_UNITS) return whole
  return cutUnits(p.stem, JOLIET_MAX_UNITS - suffix.length - p.ext.length) + suffix + p.ext
}

/** UCS-2 big-endian bytes of an identifier. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16()
}

function orderKeyOf(text: string, isDir: boolean): OrderKey {
  const dot = text.lastIndexOf('.')
  if (isDir || dot < 0) return { name: codeUnits(text), ext: [] }
  return { name: codeUnits(text.slice(0, dot)), ext: codeUnits(text.slice(dot + 1)) }
}

/**
 * Joliet identifiers for the names of one folder, given in a fixed order; unique within the folder. Names cut
 * to 64 units or clashing after replacement get "~N" before their extension: "a-very-long-na~1.yaml".
 */
export function jolietNames(entries: { name: string; isDir: boolean }[]): JolietName[] {
  const parts = entries.map((e) => split(jolietSafe(e.name), e.isDir))
  const texts = assignUniqueNames(
    entries.map((e, i) => {
      const preferred = fit(parts[i], '')
      return { preferred, unchanged: preferred === e.name }
    }),
    (i, n) => fit(parts[i], `~${n}`),
  )
  return texts.map((text, i) => ({ text, key: orderKeyOf(text, entries[i].isDir) }))
}
