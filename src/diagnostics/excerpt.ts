// How a value or key from an input file is quoted in a message: short, and never a secret. Input files can be
// anything (a profile that is a symlink to /etc/shadow), so a message shows at most the first characters of a long
// value, never a password hash, and escapes control characters (JSON string syntax).

/** Longer values are cut to their first EXCERPT_HEAD characters. */
export const EXCERPT_MAX = 32
const EXCERPT_HEAD = 16
const CRYPT_HASH = /\$(1|2[abxy]?|5|6|7|y|gy|sha1|md5)\$/

/** `value` quoted for a message (JSON for non-strings), shortened and with password hashes left out. */
export function excerpt(value: unknown): string {
  if (typeof value !== 'string') {
    const text = JSON.stringify(value) ?? String(value)
    return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_HEAD)}… (${text.length} characters)` : text
  }
  if (CRYPT_HASH.test(value)) return `"${[...value.slice(0, value.search(CRYPT_HASH))].slice(0, 8).join('')}…" (holds a password hash, not shown)`
  const chars = [...value]
  if (chars.length <= EXCERPT_MAX) return JSON.stringify(value)
  return `${JSON.stringify(chars.slice(0, EXCERPT_HEAD).join('')).slice(0, -1)}…" (${chars.length} characters)`
}
