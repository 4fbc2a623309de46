// Failures of the output side (the folder, the disk), as the OutputError of src/diagnostics/errors.ts (exit code 3,
// or 2 for a folder bai-seed refuses to touch; one line naming the path and the cause), with the helpers the writers use.
import { causeOf, EXIT_OUTPUT, OutputError as DiagnosticOutputError } from '../diagnostics/errors.js'

export { EXIT_OUTPUT }

export class OutputError extends DiagnosticOutputError {
  constructor(path: string, reason: string, code = 'OUTPUT') {
    super(code, path, reason)
  }
}

/** The cause of a system error in words, with its code: "permission denied (EACCES)". */
export function describeErrno(e: NodeJS.ErrnoException): string {
  const code = e.code
  const cause = code && causeOf(code)
  if (cause) return `${cause} (${code})`
  return code ? `${code}` : e.message.split('\n', 1)[0]!.slice(0, 200)
}

/**
 * `e` as an OutputError when it is a system error (it has an errno code), keeping OutputErrors as they are;
 * `fallbackPath` names the path when the error does not. Anything else (a bug) is returned unchanged.
 */
export function asOutputError(e: unknown, fallbackPath: string, suffix = ''): unknown {
  if (e instanceof DiagnosticOutputError) return e
  const err = e as NodeJS.ErrnoException
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return e
  return new OutputError(err.path ?? fallbackPath, describeErrno(err) + suffix, err.code)
}
