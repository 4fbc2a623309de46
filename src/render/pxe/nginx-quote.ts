// Quoting for nginx configuration values (nginx's ngx_conf_file.c lexer): a double-quoted string may hold anything
// except that \" \\ and \' are escapes; but "$" starts a variable in directives that take them (root, alias) and
// has no escape, so it is refused, as are control characters.
import { UnquotableValueError } from '../script/shell-quote.js'

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/

export function nginxQuote(value: string | number): string {
  const text = String(value)
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new UnquotableValueError(`nginx: control character in ${JSON.stringify(text)}`)
  if (text.includes('$')) throw new UnquotableValueError(`nginx: "$" starts a variable and cannot be escaped: ${JSON.stringify(text)}`)
  if (text !== '' && BARE.test(text)) return text
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
