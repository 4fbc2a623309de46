// A diagnostic is one problem in the input, with the position of the offending key or value when it is in a file.
// Validators return lists of them and never throw, so a run reports every problem at once (the way coreos/butane
// reports). Problems of input without a file (a flag, an environment variable, a file a flag names) are diagnostics
// without a position, and a system failure is printed and reported in --json in the same shape (src/cli/base-command.ts).

import { excerpt } from './excerpt.js'

export type Severity = 'error' | 'warning'

export type PathSegment = string | number

/** A problem without a position in an input file: a flag, an environment variable, a system failure at a path. */
export interface Problem {
  /** Short UPPER_SNAKE name, e.g. DUPLICATE_IP. */
  code: string
  /** Where: a path inside the input file (Diagnostic), or the file or address a system failure is about. */
  path?: string
  message: string
  severity: Severity
}

/** A problem in an input file, at a position. */
export interface Diagnostic extends Problem {
  file: string
  /** 1-based. */
  line: number
  /** 1-based, in Unicode code points. */
  col: number
  /** Dotted path inside the file, e.g. nodes[1].ip, or (root). */
  path: string
}

/** A problem of input that has no position in a file: a flag, an environment variable, a file a flag names. */
export function inputProblem(code: string, message: string, severity: Severity = 'error'): Problem {
  return { code, message, severity }
}

function isDiagnostic(d: Problem): d is Diagnostic {
  return (d as Diagnostic).file !== undefined
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

/** One line: `file:line:col: error[CODE] path: message`; without a file `error[CODE] message` (or `path: message`). */
export function formatDiagnostic(d: Problem): string {
  const where = isDiagnostic(d) ? `${d.file}:${d.line}:${d.col}: ` : ''
  return `${where}${d.severity}[${d.code}] ${d.path === undefined ? '' : `${d.path}: `}${d.message}`
}

/** Order of the report: by file, then position, then code (stable for equal positions). */
export function sortDiagnostics<D extends Problem>(diags: readonly D[]): D[] {
  // Problems without a position first.
  const at = (d: Problem) => (isDiagnostic(d) ? d : { file: '', line: 0, col: 0 })
  return [...diags].sort((x, y) => {
    const a = at(x)
    const b = at(y)
    return (
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (x.code < y.code ? -1 : x.code > y.code ? 1 : 0)
    )
  })
}

export function hasErrors(diags: readonly Problem[]): boolean {
  return diags.some((d) => d.severity === 'error')
}

export interface DiagnosticReport {
  ok: boolean
  errors: number
  warnings: number
  /** Problems without a position (flags, a system failure) have only code, path (if any), message and severity. */
  diagnostics: Problem[]
}

/** The `--json` report of every command, failing or not: ok is true when there is no error (warnings allowed). */
export function diagnosticsToJson(diags: readonly Problem[]): DiagnosticReport {
  const errors = diags.filter((d) => d.severity === 'error').length
  return { ok: errors === 0, errors, warnings: diags.length - errors, diagnostics: sortDiagnostics(diags) }
}
