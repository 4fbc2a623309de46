// Quoting for GRUB 2 scripts (grub.cfg). GRUB's lexer is shell-like (GRUB manual, "Shell-like scripting"):
// words are split at unquoted space, tab, newline and the metacharacters { } | & $ ; < >; a word starting with #
// begins a comment; unquoted * ? [ may be expanded as wildcards when the regexp module is loaded; inside single
// quotes nothing is special and a single quote cannot appear at all. So a value is left bare only when every
// character is plainly literal, and otherwise single-quoted, each embedded ' written as '\'' (close, escaped quote
// with the escape character, reopen).
import { UnquotableValueError } from '../script/shell-quote.js'

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/

export function grubQuote(value: string | number): string {
  const text = String(value)
  // A line break inside quotes is legal GRUB but would make the generated file hard to read and check; a NUL
  // ends the string in GRUB's C code. Neither belongs in a boot menu value.
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new UnquotableValueError(`GRUB: control character in ${JSON.stringify(text)}`)
  if (text === '') return "''"
  if (BARE.test(text)) return text
  return `'${text.replace(/'/g, `'\\''`)}'`
}

export function grubQuoteList(values: readonly (string | number)[]): string {
  return values.map((v) => grubQuote(v)).join(' ')
}
