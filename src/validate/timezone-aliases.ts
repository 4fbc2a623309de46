// What people write for a time zone that is not an IANA name: abbreviations (KST, PST), UTC offsets (UTC+9), country
// and city names. Each maps to the IANA zones meant; an edit-distance guess would turn KST into EST (another zone).
// Abbreviations that tzdata itself has as zones (EST, MST, HST, CET, EET, WET, GMT, UTC) are valid and never get here.

/** Abbreviations and common names, upper-cased, to the zones they usually mean (ambiguous ones name each). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  KST: ['Asia/Seoul'],
  KOREA: ['Asia/Seoul'],
  JST: ['Asia/Tokyo'],
  JAPAN: ['Asia/Tokyo'],
  CST: ['America/Chicago', 'Asia/Shanghai'],
  CDT: ['America/Chicago'],
  CHINA: ['Asia/Shanghai'],
  BEIJING: ['Asia/Shanghai'],
  HKT: ['Asia/Hong_Kong'],
  SGT: ['Asia/Singapore'],
  ICT: ['Asia/Bangkok'],
  WIB: ['Asia/Jakarta'],
  PHT: ['Asia/Manila'],
  IST: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  INDIA: ['Asia/Kolkata'],
  PST: ['America/Los_Angeles'],
  PDT: ['America/Los_Angeles'],
  PACIFIC: ['America/Los_Angeles'],
  MDT: ['America/Denver'],
  EDT: ['America/New_York'],
  EASTERN: ['America/New_York'],
  AKST: ['America/Anchorage'],
  BST: ['Europe/London'],
  CEST: ['Europe/Berlin', 'Europe/Paris'],
  EEST: ['Europe/Athens', 'Europe/Helsinki'],
  MSK: ['Europe/Moscow'],
  AEST: ['Australia/Sydney'],
  AEDT: ['Australia/Sydney'],
  ACST: ['Australia/Adelaide'],
  AWST: ['Australia/Perth'],
  NZST: ['Pacific/Auckland'],
  NZDT: ['Pacific/Auckland'],
}

/**
 * The IANA zones `value` most likely means, when it is an abbreviation, an alias, a UTC offset or a city/country
 * name written without its area (`Seoul`); empty when none. `known` is the list of valid zone names.
 */
export function timezoneAliases(value: string, known: ReadonlySet<string>): string[] {
  const upper = value.toUpperCase()
  const alias = ALIASES[upper]
  if (alias) return alias.filter((z) => known.has(z))
  // UTC+9 / GMT-5: the Etc/GMT zones have POSIX signs, the opposite of what people write.
  const offset = /^(?:UTC|GMT)([+-])([0-9]{1,2})$/.exec(upper)
  if (offset) {
    const hours = Number(offset[2])
    const zone = hours === 0 ? 'Etc/UTC' : `Etc/GMT${offset[1] === '+' ? '-' : '+'}${hours}`
    return known.has(zone) ? [zone] : []
  }
  // A city written without its area: Seoul -> Asia/Seoul, new york -> America/New_York.
  const city = value.toLowerCase().replace(/ /g, '_')
  return [...known].filter((z) => z.includes('/') && z.slice(z.lastIndexOf('/') + 1).toLowerCase() === city).slice(0, 3)
}
