// Prints validation reports: one line per problem (`file:line:col: error[CODE] path: message`) on stderr, or the
// JSON report on stdout. Exit code 2 when there is any error.
import type { Diagnostic } from '../validate/diagnostic.js'
import { formatDiagnostic, sortDiagnostics } from '../validate/diagnostic.js'
import { OutputError } from '../write/output-error.js'

export const EXIT_INVALID = 2

export function printDiagnostics(diagnostics: Diagnostic[]): void {
  for (const d of sortDiagnostics(diagnostics)) process.stderr.write(formatDiagnostic(d) + '\n')
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const warnings = diagnostics.length - errors
  if (errors) process.stderr.write(`${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}; nothing written\n`)
}

export function diagnosticsReport(diagnostics: Diagnostic[]): Record<string, unknown> {
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  return { ok: errors === 0, errors, warnings: diagnostics.length - errors, diagnostics }
}

/**
 * Prints an output or system error (OutputError: disk full, permission denied, folder refused, lock held) as one
 * line and returns its exit code (3); returns undefined for anything else, which the caller rethrows.
 */
export function reportOutputError(e: unknown): number | undefined {
  if (!(e instanceof OutputError)) return undefined
  process.stderr.write(`error: ${e.message}\n`)
  return e.exitCode
}
