// The lists a value must be on: IANA time zones, locales, XKB keyboard layouts. They ship as text files in data/
// (made by scripts/update-known-lists.mjs from Debian's tzdata, locales and xkb-data) and are read once, on use.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../package-root.js'

export type KnownList = 'timezones' | 'locales' | 'keyboard-layouts'

const cache = new Map<KnownList, ReadonlySet<string>>()

export function knownNames(list: KnownList): ReadonlySet<string> {
  let set = cache.get(list)
  if (!set) {
    const text = readFileSync(join(packageRoot(), 'data', `${list}.txt`), 'utf8')
    set = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')))
    cache.set(list, set)
  }
  return set
}
