import { BaseCommand } from '../../cli/base-command.js'
import { profilesFlag, jsonFlag } from '../../cli/flags.js'

export default class Profiles extends BaseCommand {
  static override summary = 'List the role profiles (shipped and your own)'
  static override examples = ['<%= config.bin %> profiles', '<%= config.bin %> profiles --profiles ./my-profiles']
  static override flags = { profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Profiles)
    const { loadProfiles } = await import('../../pipeline/load-cluster.js')
    const diagnostics: import('../../diagnostics/diagnostic.js').Diagnostic[] = []
    const set = loadProfiles(flags.profiles ?? [], diagnostics)
    this.reportDiagnostics(diagnostics, { json: flags.json })
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
