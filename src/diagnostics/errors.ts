// The ways a run can fail, each with its exit code (README "Exit codes"). Problems of the input are diagnostics
// (diagnostic.ts), returned by the stages; a command that finds one in its flags or arguments throws it as an
// InputError. The output side and the system fail with the one OutputError (or Node's own system errors, turned into
// one). The base command (src/cli/base-command.ts) prints both in the diagnostics' style and picks the exit code.
import { inputProblem, type Problem } from './diagnostic.js'

/** A bug in bai-seed: nothing the user did. */
export const EXIT_BUG = 1
/** The input is wrong: inventory, profiles, flags, arguments, environment variables the input names. */
export const EXIT_INPUT = 2
/** Output or system: a file or folder that cannot be written, no space, a port in use, a lock held. */
export const EXIT_OUTPUT = 3

/** A flag, argument or environment variable is wrong: one diagnostic without a position, `error[CODE] message`, exit 2. */
export class InputError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'InputError'
    this.code = code
  }

  get problem(): Problem {
    return inputProblem(this.code, this.message)
  }
}

/**
 * Codes of output errors that come from the folder the user chose, not from the system, and that the user fixes: a
 * folder bai-seed does not own (`-o` pointed at someone's files, `/`, the home or inventory folder; nothing is
 * touched), a node key file that is not one (delete it). Like any wrong argument they exit 2.
 */
export const REFUSED_OUTPUT_CODES: ReadonlySet<string> = new Set(['EREFUSED', 'BAD_KEY_FILE'])

/**
 * The one error of the output side and the system: a failure at `path` (a file, a folder, an address), printed as
 * `error[CODE] path: reason`, exit 3 (2 for the user-fixable codes above).
 */
export class OutputError extends Error {
  readonly code: string
  readonly path: string
  readonly reason: string
  constructor(code: string, path: string, reason: string) {
    super(`${path}: ${reason}`)
    this.name = 'OutputError'
    this.code = code
    this.path = path
    this.reason = reason
  }

  get exit(): number {
    return REFUSED_OUTPUT_CODES.has(this.code) ? EXIT_INPUT : EXIT_OUTPUT
  }

  get problem(): Problem {
    return { code: this.code, path: this.path, message: this.reason, severity: 'error' }
  }
}

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EXDEV: 'crosses file systems',
  ENFILE: 'too many open files in the system',
  ELOOP: 'too many symbolic links, or a symbolic link where none is followed',
  EADDRINUSE: 'address already in use (another server listens there; pick another --port)',
  EADDRNOTAVAIL: 'address not available on this machine (pick another --host)',
}

/** The cause of a system error code in words ("permission denied"), or undefined for a code without one. */
function causeOf(code: string): string | undefined {
  return CAUSES[code]
}

/** Node's system errors (fs, net) carry a code like EACCES and a syscall. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string'
}

/** A system error as an OutputError naming the path (or address) and the cause. */
export function outputErrorOf(e: NodeJS.ErrnoException): OutputError {
  const net = e as NodeJS.ErrnoException & { address?: string; port?: number }
  const path = e.path ?? (net.address !== undefined ? `${net.address}${net.port !== undefined ? `:${net.port}` : ''}` : e.syscall ?? '?')
  const code = e.code ?? 'ESYSTEM'
  const cause = CAUSES[code] ?? e.message.replace(/^[A-Z]+: /, '')
  return new OutputError(code, path, `${cause} (${e.syscall})`)
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
  if (e instanceof OutputError) return e
  const err = e as NodeJS.ErrnoException
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return e
  return new OutputError(err.code, err.path ?? fallbackPath, describeErrno(err) + suffix)
}
