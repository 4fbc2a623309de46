// oclif's command_not_found hook: a mistyped command gets the error style of every other input error, exit 2, and
// the closest command name ("did you mean"), like git does.
import { closest } from '../../validate/did-you-mean.js'
import { EXIT_INPUT } from '../../diagnostics/errors.js'

interface HookOptions {
  id: string
  config: { bin: string; commandIDs: string[] }
}

export default async function commandNotFound(opts: HookOptions): Promise<never> {
  const ids = opts.config.commandIDs.map((id) => id.replace(/:/g, ' ')).sort()
  const typed = opts.id.replace(/:/g, ' ')
  const suggest = closest(typed, ids)
  const hint = suggest ? ` (did you mean "${suggest}"?)` : ''
  process.stderr.write(`error[UNKNOWN_COMMAND] unknown command "${typed}"${hint}; commands: ${ids.join(', ')} (see ${opts.config.bin} help)\n`)
  process.exit(EXIT_INPUT)
}
