// A diagnostic is one problem in one input file, with the position of the offending key or value. Validators return
// lists of them and never throw, so a run reports every problem at once (the way coreos/butane reports).

import { excerpt } from './excerpt.js'

export type Severity = 'error' | 'warning'

export type PathSegment = string | number

export interface Diagnostic {
  file: string
  /** 1-based. */
  line: number
  /** 1-based, in Unicode code points. */
  col: number
  /** Short UPPER_SNAKE name, e.g. DUPLICATE_IP. */
  code: string
  /** Dotted path inside the file, e.g. nodes[1].ip, or (root). */
  path: string
  message: string
  severity: Severity
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_+-]*$/

/** ['nodes', 1, 'ip'] -> nodes[1].ip; keys that are not plain words are quoted: values["net.core.somaxconn"]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${excerpt(seg)}]`
  }
  return out === '' ? '(root)' : out
}

/** One line: `file:line:col: error[CODE] path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}] ${d.path}: ${d.message}`
}

/** Order of the report: by file, then position, then code (stable for equal positions). */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  )
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error')
}

export interface DiagnosticReport {
  ok: boolean
  errors: number
  warnings: number
  diagnostics: Diagnostic[]
}

/** The `--json` report: ok is true when there is no error (warnings allowed). */
export function diagnosticsToJson(diags: readonly Diagnostic[]): DiagnosticReport {
  const errors = diags.filter((d) => d.severity === 'error').length
  return { ok: errors === 0, errors, warnings: diags.length - errors, diagnostics: sortDiagnostics(diags) }
}
