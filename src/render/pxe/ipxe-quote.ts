// iPXE scripts have no quoting at all (src/core/exec.c, split_command and command_terminator): a line is split at
// whitespace, a token that is exactly "||", "&&" or ";" ends the command, a token starting with "#" starts a
// comment, and every token then has its ${setting} references expanded (src/core/settings.c, expand_settings),
// with no way to escape "${". A value is therefore written as it is when it is one token that none of these rules
// touches, and refused otherwise: there is no way to write it safely.
import { UnquotableValueError } from '../script/shell-quote.js'

const TERMINATORS = new Set(['||', '&&', ';'])

export function ipxeQuote(value: string | number): string {
  const text = String(value)
  const fail = (why: string): never => {
    throw new UnquotableValueError(`iPXE cannot carry ${JSON.stringify(text)}: ${why}`)
  }
  if (text === '') fail('an empty argument disappears when the line is split')
  // isspace() in iPXE's ctype.h: space, \t, \n, \v, \f, \r; other control characters are refused as well.
  if (/[\u0000-\u0020\u007f]/.test(text)) fail('whitespace or a control character splits or ends the token')
  if (TERMINATORS.has(text)) fail('the token would end the command')
  if (text.startsWith('#')) fail('the token would start a comment')
  if (text.includes('${')) fail('"${" starts a settings expansion that cannot be escaped')
  // Commands parse options with getopt; a leading "-" would be taken for one.
  if (text.startsWith('-')) fail('a leading "-" would be read as an option')
  return text
}

export function ipxeQuoteList(values: readonly (string | number)[]): string {
  return values.map((v) => ipxeQuote(v)).join(' ')
}
