// Values written into configuration files that the steps install, quoted for the format that reads them. Shell text
// has its own helper (render/script/shell-quote.ts); these are the file formats inside it.

export class UnquotableConfigValueError extends Error {}

function refuseLineBreaks(value: string, where: string): void {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new UnquotableConfigValueError(`control character in a value for ${where}`)
}

/**
 * One `NAME=value` word of a systemd `Environment=` line, double-quoted. systemd expands specifiers ("%h", "%40" would
 * be an unknown specifier) in Environment=, so "%" is doubled; "\" and '"' are C-style escaped inside the quotes.
 */
export function systemdEnvironmentWord(name: string, value: string): string {
  refuseLineBreaks(value, 'a systemd unit')
  const escaped = `${name}=${value}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')
  return `"${escaped}"`
}

/** A string value of an apt.conf(5) option: double-quoted; apt has no escape for '"' inside, so it cannot be there. */
export function aptConfString(value: string): string {
  refuseLineBreaks(value, 'apt.conf')
  if (value.includes('"')) throw new UnquotableConfigValueError('a double quote cannot be written in an apt.conf value')
  return `"${value}"`
}

/** A value of pip.conf (read with RawConfigParser: no interpolation, so "%" stays); one line, no leading blanks. */
export function pipConfValue(value: string): string {
  refuseLineBreaks(value, 'pip.conf')
  return value.trim()
}
