#!/usr/bin/env node
// Regenerates data/timezones.txt, data/locales.txt and data/keyboard-layouts.txt from the files of a Debian/Ubuntu
// machine (packages tzdata, locales, xkb-data). The lists are shipped with bai-seed so validation needs none of them.
// Usage: node scripts/update-known-lists.mjs   (then review the diff and commit)
import { readFileSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const data = join(dirname(fileURLToPath(import.meta.url)), '..', 'data')
const write = (name, header, items) =>
  writeFileSync(join(data, name), `# ${header}\n${[...new Set(items)].sort().join('\n')}\n`)

// tzdata.zi: "Z name ..." zones and "L target link" aliases; both are valid values of timedatectl / cloud-init.
const zi = readFileSync('/usr/share/zoneinfo/tzdata.zi', 'utf8').split('\n')
const zones = zi.flatMap((l) => (l.startsWith('Z ') ? [l.split(' ')[1]] : l.startsWith('L ') ? [l.split(' ')[2]] : []))
write('timezones.txt', 'IANA time zone names and aliases, from tzdata (/usr/share/zoneinfo/tzdata.zi)', zones)

// /usr/share/i18n/SUPPORTED: "name charset" per line.
const supported = readFileSync('/usr/share/i18n/SUPPORTED', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
write('locales.txt', 'Locale names glibc can generate, from locales (/usr/share/i18n/SUPPORTED), plus C and POSIX',
  [...supported.map((l) => l.split(' ')[0]), 'C', 'POSIX'])

// base.lst: the "! layout" section lists "  name  description".
const lst = readFileSync('/usr/share/X11/xkb/rules/base.lst', 'utf8').split('\n')
const start = lst.indexOf('! layout')
const layouts = []
for (const l of lst.slice(start + 1)) {
  if (l.startsWith('!')) break
  const m = /^\s+(\S+)\s/.exec(l)
  if (m) layouts.push(m[1])
}
write('keyboard-layouts.txt', 'XKB keyboard layouts, from xkb-data (/usr/share/X11/xkb/rules/base.lst)', layouts)
