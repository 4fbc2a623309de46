// The Range header of a GET (RFC 9110 section 14): one byte range, `bytes=a-b`, `bytes=a-` or `bytes=-n`. Several
// ranges would need a multipart body; they are answered with the whole file, as the RFC allows.

/** The range to send; null to send the whole file; 'unsatisfiable' for a 416. */
export function parseRange(header: string, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return null
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return null
  if (first === '') {
    const n = Number(last)
    if (n === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  if (start >= size) return 'unsatisfiable'
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (end < start) return null
  return { start, end }
}
