// The one audited shell-quoting helper. Every value interpolated into generated shell text goes through shellQuote
// (templates call it as {{q value}}). Words made only of characters that no POSIX shell treats specially are left
// bare for readability; everything else is wrapped in single quotes, inside which the shell interprets nothing,
// with each embedded single quote written as '\'' (close, escaped quote, reopen).

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/

export class UnquotableValueError extends Error {}

export function shellQuote(value: string | number | boolean): string {
  const text = String(value)
  // NUL cannot be carried by any shell word; validation rejects it earlier, this is the last line of defence.
  if (text.includes('\0')) throw new UnquotableValueError('a NUL byte cannot be passed to the shell')
  if (text === '') return "''"
  // A leading '=' or '~' is special in some shells (zsh, tilde expansion): quote it.
  if (BARE.test(text) && !/^[=~]/.test(text)) return text
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** Quotes each element and joins them with spaces, for argument lists and bash array literals. */
export function shellQuoteList(values: readonly (string | number)[]): string {
  return values.map((v) => shellQuote(v)).join(' ')
}
