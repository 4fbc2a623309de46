import { Command } from '@oclif/core'
import { profilesFlag, jsonFlag } from '../../cli/flags.js'
import { EXIT_INVALID, printDiagnostics } from '../../cli/report.js'

export default class Profiles extends Command {
  static override summary = 'List the role profiles (shipped and your own)'
  static override examples = ['<%= config.bin %> profiles', '<%= config.bin %> profiles --profiles ./my-profiles']
  static override flags = { profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Profiles)
    const { loadProfiles, hasErrors } = await import('../../pipeline/load-cluster.js')
    const diagnostics: import('../../validate/diagnostic.js').Diagnostic[] = []
    const set = loadProfiles(flags.profiles, diagnostics)
    printDiagnostics(diagnostics)
    if (hasErrors(diagnostics)) this.exit(EXIT_INVALID)
    const rows = [...set.byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, list]) => {
        const p = list[list.length - 1]!
        return { name, extends: p.extends, description: p.description, file: p.file, overrides: list.length > 1 }
      })
    if (flags.json) {
      this.log(JSON.stringify(rows, null, 2))
      return
    }
    const width = Math.max(...rows.map((r) => r.name.length))
    for (const r of rows) {
      const ext = r.extends.length ? ` (extends ${r.extends.join(', ')})` : ''
      this.log(`${r.name.padEnd(width)}  ${r.description}${ext}${r.overrides ? ' [overridden]' : ''}`)
    }
  }
}
