import { Args, Command } from '@oclif/core'
import { profilesFlag, jsonFlag } from '../../cli/flags.js'
import { EXIT_INVALID, printDiagnostics } from '../../cli/report.js'

export default class ProfilesShow extends Command {
  static override summary = 'Print one profile with its extends chain resolved, and where each value comes from'
  static override examples = ['<%= config.bin %> profiles show agent-gpu']
  static override args = { name: Args.string({ description: 'profile name', required: true }) }
  static override flags = { profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfilesShow)
    const { loadProfiles, hasErrors } = await import('../../pipeline/load-cluster.js')
    const { resolveProfile } = await import('../../resolve/resolve-node.js')
    const { dumpYaml } = await import('../../render/yaml-dump.js')
    const diagnostics: import('../../validate/diagnostic.js').Diagnostic[] = []
    const set = loadProfiles(flags.profiles, diagnostics)
    const resolved = hasErrors(diagnostics) ? undefined : resolveProfile(set, args.name, diagnostics)
    printDiagnostics(diagnostics)
    if (hasErrors(diagnostics)) this.exit(EXIT_INVALID)
    if (!resolved) {
      process.stderr.write(`no profile named "${args.name}" (known: ${[...set.byName.keys()].sort().join(', ')})\n`)
      this.exit(EXIT_INVALID)
    }
    const origins = Object.fromEntries([...resolved!.trace.origins].map(([k, o]) => [k, o.source]))
    const chain = resolved!.chain.map((p) => p.name)
    if (flags.json) {
      this.log(JSON.stringify({ name: args.name, chain, settings: resolved!.settings, origins }, null, 2))
      return
    }
    this.log(`# ${args.name}: resolved from ${chain.join(' -> ')}`)
    this.log(dumpYaml({ settings: resolved!.settings }))
  }
}
