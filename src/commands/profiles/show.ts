import { Args } from '#oclif'
import { BaseCommand } from '../../cli/base-command.js'
import { profilesFlag, jsonFlag } from '../../cli/flags.js'
import { InputError } from '../../diagnostics/errors.js'

export default class ProfilesShow extends BaseCommand {
  static override summary = 'Print one profile with its extends chain resolved, and where each value comes from'
  static override examples = ['<%= config.bin %> profiles show agent-gpu', '<%= config.bin %> profiles show agent-gpu --profiles ./site']
  static override args = { name: Args.string({ description: 'profile name', required: true }) }
  static override flags = { profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ProfilesShow)
    const { loadProfiles } = await import('../../pipeline/load-cluster.js')
    const { resolveProfile } = await import('../../resolve/resolve-node.js')
    const { profileLabel } = await import('../../resolve/profile-set.js')
    const { settingLines } = await import('../../resolve/setting-lines.js')
    const { hasErrors } = await import('../../diagnostics/diagnostic.js')
    const diagnostics: import('../../diagnostics/diagnostic.js').Diagnostic[] = []
    const set = loadProfiles(flags.profiles ?? [], diagnostics)
    const resolved = hasErrors(diagnostics) ? undefined : resolveProfile(set, args.name, diagnostics)
    this.reportDiagnostics(diagnostics, { json: flags.json })
    if (!resolved) {
      const { closest, someOf } = await import('../../validate/did-you-mean.js')
      const { M } = await import('../../diagnostics/messages.js')
      const known = [...set.byName.keys()].sort()
      throw new InputError('UNKNOWN_PROFILE', M.unknownProfile(args.name, closest(args.name, known), someOf(args.name, known, 8)))
    }
    const origins = Object.fromEntries([...resolved.trace.origins].map(([k, o]) => [k, o.source]))
    const chain = resolved.chain.map((p) => p.name)
    const files = resolved.chain.map((p) => p.file)
    if (flags.json) {
      this.log(JSON.stringify({ name: args.name, chain, files, settings: resolved.settings, origins }, null, 2))
      return
    }
    this.log(`# ${args.name}: resolved from ${resolved.chain.map(profileLabel).join(' -> ')}`)
    for (const line of settingLines(resolved.settings, resolved.trace.origins)) this.log(line)
  }
}
