// PXELINUX configuration files (syslinux.cfg(5); com32/elflink/ldlinux/readconfig.c) have no quoting: a line is a
// keyword and the rest of the line after leading whitespace, taken verbatim (APPEND hands it to the kernel as it
// is; a lone "-" means "append nothing"). Lines longer than 4095 bytes are cut. Words of a kernel command line are
// written as they are; what cannot be written that way is refused.
import { UnquotableValueError } from '../script/shell-quote.js'

/** readconfig.c reads lines with fgets into a 4096-byte buffer. */
export const PXELINUX_MAX_LINE = 4095

export function pxelinuxQuote(value: string | number): string {
  const text = String(value)
  const fail = (why: string): never => {
    throw new UnquotableValueError(`PXELINUX cannot carry ${JSON.stringify(text)}: ${why}`)
  }
  if (text === '') fail('an empty word disappears from the line')
  if (/[\u0000-\u0020\u007f]/.test(text)) fail('whitespace or a control character splits the word or ends the line')
  return text
}

export function pxelinuxQuoteList(values: readonly (string | number)[]): string {
  const line = values.map((v) => pxelinuxQuote(v)).join(' ')
  if (line === '-') throw new UnquotableValueError('PXELINUX reads an APPEND of "-" as "append nothing"')
  return line
}
