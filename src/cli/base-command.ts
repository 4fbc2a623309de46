// The base of every command: prints diagnostics in the one style and maps every failure to its exit code
// (README "Exit codes"): 0 ok, 1 a bug in bai-seed, 2 input (inventory, profiles, flags, arguments), 3 output or
// system (one line naming the path and the cause). Every failure is printed as a diagnostic (with a position when it
// is in an input file) and, with --json, reported on stdout as the one diagnostics report (diagnosticsToJson).
import { Command } from '#oclif'
import { closest } from '../validate/did-you-mean.js'
import { diagnosticsToJson, formatDiagnostic, hasErrors, sortDiagnostics, type Problem } from '../diagnostics/diagnostic.js'
import {
  EXIT_BUG,
  EXIT_INPUT,
  EXIT_OUTPUT,
  InputError,
  OutputError,
  isSystemError,
  outputErrorOf,
} from '../diagnostics/errors.js'

interface OclifError extends Error {
  code?: string
  oclif?: { exit?: number }
  parse?: unknown
  /** NonExistentFlagsError: the flags as typed. */
  flags?: unknown
  /** RequiredArgsError: the missing arguments. */
  args?: unknown
}

export interface ReportOptions {
  /** The command writes files: a failing report says "nothing written". */
  writes?: boolean
  /** A failing report goes to stdout as JSON (the command's --json). */
  json?: boolean
}

export abstract class BaseCommand extends Command {
  /** True when the user asked for --json: failures are then printed as JSON on stdout too. */
  protected get wantsJson(): boolean {
    const end = this.argv.indexOf('--')
    const i = this.argv.indexOf('--json')
    return i !== -1 && (end === -1 || i < end)
  }

  /**
   * Prints the diagnostics, sorted, one line each on stderr, and ends the run with exit code 2 when any is an error
   * (with `json`, a failing report goes to stdout as JSON instead). Warnings alone are printed and the run goes on.
   */
  protected reportDiagnostics(diagnostics: readonly Problem[], options: ReportOptions = {}): void {
    const failed = hasErrors(diagnostics)
    if (failed && options.json) {
      this.log(JSON.stringify(diagnosticsToJson(diagnostics), null, 2))
      this.exit(EXIT_INPUT)
    }
    for (const d of sortDiagnostics(diagnostics)) process.stderr.write(formatDiagnostic(d) + '\n')
    if (!failed) return
    const errors = diagnostics.filter((d) => d.severity === 'error').length
    const warnings = diagnostics.length - errors
    const counts = `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
    process.stderr.write(`${counts}${options.writes ? '; nothing written' : ''}\n`)
    this.exit(EXIT_INPUT)
  }

  /** Prints one warning line on stderr: a diagnostic without a position, `warning[CODE] message`. */
  protected warning(code: string, message: string): void {
    process.stderr.write(`${formatDiagnostic({ code, message, severity: 'warning' })}\n`)
  }

  override async catch(err: OclifError): Promise<void> {
    // this.exit() throws this; the exit code is already decided.
    if (err.code === 'EEXIT') throw err
    const { problem, exit } = classify(err, flagNames(this.ctor.flags))
    process.stderr.write(`${formatDiagnostic(problem)}\n`)
    if (exit === EXIT_BUG && process.env.BAI_SEED_DEBUG) process.stderr.write(`${err.stack}\n`)
    if (this.wantsJson) process.stdout.write(JSON.stringify(diagnosticsToJson([problem]), null, 2) + '\n')
    this.exit(exit)
  }
}

/** The command's flags as typed on a command line: --name and -c. */
function flagNames(flags: Record<string, { char?: string; hidden?: boolean }> | undefined): string[] {
  return Object.entries(flags ?? {}).flatMap(([name, f]) => (f.hidden ? [] : [`--${name}`, ...(f.char ? [`-${f.char}`] : [])]))
}

function classify(err: OclifError, known: readonly string[] = []): { problem: Problem; exit: number } {
  if (err instanceof InputError) return { problem: err.problem, exit: EXIT_INPUT }
  if (err instanceof OutputError) return { problem: err.problem, exit: err.exit }
  const system: unknown = err
  if (isSystemError(system)) return { problem: outputErrorOf(system).problem, exit: EXIT_OUTPUT }
  // oclif's flag and argument errors (unknown flag, bad option, missing value) are input errors.
  // A mistyped flag: the closest of the command's flags (--nod -> --node), like a mistyped command.
  if (Array.isArray(err.flags) && /^Nonexistent flags?:/.test(err.message)) {
    const typed = err.flags.map(String)
    const hints = typed.map((f) => {
      const bare = f.replace(/=.*$/, '')
      const suggest = closest(bare, known.filter((k) => k.startsWith('--')))
      return `${bare}${suggest ? ` (did you mean ${suggest}?)` : ''}`
    })
    const message = `unknown flag${typed.length === 1 ? '' : 's'} ${hints.join(', ')} (see --help)`
    return { problem: { code: 'FLAG', message, severity: 'error' }, exit: EXIT_INPUT }
  }
  // A missing argument: its name and the values it takes, in one line (oclif's text is a table over lines).
  if (Array.isArray(err.args) && /^Missing [0-9]+ required args?:/.test(err.message)) {
    const names = (err.args as { name?: string; options?: string[] }[]).map((a) => `${a.name ?? 'argument'}${a.options?.length ? ` (${a.options.join(' or ')})` : ''}`)
    const message = `missing argument${names.length === 1 ? '' : 's'}: ${names.join(', ')} (see --help)`
    return { problem: { code: 'FLAG', message, severity: 'error' }, exit: EXIT_INPUT }
  }
  if (err.parse !== undefined || err.oclif?.exit === 2) {
    // oclif's text spans lines ("The following error occurred:", the reasons, "See more help"): keep the reasons.
    const reasons = err.message
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^The following errors? occurred:$/.test(l) && !/^See more help with --help$/.test(l))
    return { problem: { code: 'FLAG', message: `${reasons.join('; ')} (see --help)`, severity: 'error' }, exit: EXIT_INPUT }
  }
  const message = `bai-seed failed unexpectedly: ${err.message || String(err)} (a bug; BAI_SEED_DEBUG=1 prints the stack)`
  return { problem: { code: 'INTERNAL', message, severity: 'error' }, exit: EXIT_BUG }
}
