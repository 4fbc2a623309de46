// The base of every command: prints diagnostics in the one style and maps every failure to its exit code
// (README "Exit codes"): 0 ok, 1 a bug in bai-seed, 2 input (inventory, profiles, flags, arguments), 3 output or
// system (one line naming the path and the cause). Commands with --json print JSON on stdout even when they fail.
import { Command } from '#oclif'
import { diagnosticsToJson, formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js'
import {
  EXIT_BUG,
  EXIT_INPUT,
  EXIT_OUTPUT,
  InputError,
  OutputError,
  isSystemError,
  outputErrorOf,
} from '../diagnostics/errors.js'
import { closest } from '../validate/did-you-mean.js'

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
  protected reportDiagnostics(diagnostics: readonly Diagnostic[], options: ReportOptions = {}): void {
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

  /** Prints one warning line on stderr (the same style as diagnostics without a position). */
  protected warning(code: string, message: string): void {
    process.stderr.write(`warning[${code}] ${message}\n`)
  }

  override async catch(err: OclifError): Promise<void> {
    // this.exit() throws this; the exit code is already decided.
    if (err.code === 'EEXIT') throw err
    const { code, message, exit } = classify(err, flagNames(this.ctor.flags))
    process.stderr.write(`error[${code}] ${message}\n`)
    if (exit === EXIT_BUG && process.env.BAI_SEED_DEBUG) process.stderr.write(`${err.stack}\n`)
    if (this.wantsJson) {
      process.stdout.write(JSON.stringify({ ok: false, error: { code, message, exit } }, null, 2) + '\n')
    }
    this.exit(exit)
  }
}

/** The command's flags as typed on a command line: --name and -c. */
function flagNames(flags: Record<string, { char?: string; hidden?: boolean }> | undefined): string[] {
  return Object.entries(flags ?? {}).flatMap(([name, f]) => (f.hidden ? [] : [`--${name}`, ...(f.char ? [`-${f.char}`] : [])]))
}

function classify(err: OclifError, known: readonly string[] = []): { code: string; message: string; exit: number } {
  if (err instanceof InputError) return { code: err.code, message: err.message, exit: EXIT_INPUT }
  if (err instanceof OutputError) return { code: err.code, message: err.message, exit: err.exit }
  const system: unknown = err
  if (isSystemError(system)) {
    const out = outputErrorOf(system)
    return { code: out.code, message: out.message, exit: EXIT_OUTPUT }
  }
  // oclif's flag and argument errors (unknown flag, bad option, missing value) are input errors.
  // A mistyped flag: the closest of the command's flags (--nod -> --node), like a mistyped command.
  if (Array.isArray(err.flags) && /^Nonexistent flags?:/.test(err.message)) {
    const typed = err.flags.map(String)
    const hints = typed.map((f) => {
      const bare = f.replace(/=.*$/, '')
      const suggest = closest(bare, known.filter((k) => k.startsWith('--')))
      return `${bare}${suggest ? ` (did you mean ${suggest}?)` : ''}`
    })
    return { code: 'FLAG', message: `unknown flag${typed.length === 1 ? '' : 's'} ${hints.join(', ')} (see --help)`, exit: EXIT_INPUT }
  }
  // A missing argument: its name and the values it takes, in one line (oclif's text is a table over lines).
  if (Array.isArray(err.args) && /^Missing [0-9]+ required args?:/.test(err.message)) {
    const names = (err.args as { name?: string; options?: string[] }[]).map((a) => `${a.name ?? 'argument'}${a.options?.length ? ` (${a.options.join(' or ')})` : ''}`)
    return { code: 'FLAG', message: `missing argument${names.length === 1 ? '' : 's'}: ${names.join(', ')} (see --help)`, exit: EXIT_INPUT }
  }
  if (err.parse !== undefined || err.oclif?.exit === 2) {
    // oclif's text spans lines ("The following error occurred:", the reasons, "See more help"): keep the reasons.
    const reasons = err.message
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^The following errors? occurred:$/.test(l) && !/^See more help with --help$/.test(l))
    return { code: 'FLAG', message: `${reasons.join('; ')} (see --help)`, exit: EXIT_INPUT }
  }
  return {
    code: 'INTERNAL',
    message: `bai-seed failed unexpectedly: ${err.message || String(err)} (a bug; BAI_SEED_DEBUG=1 prints the stack)`,
    exit: EXIT_BUG,
  }
}
