import { BaseCommand } from '../cli/base-command.js'
import { inventoryArg, inventoryFile, inventoryFlag, jsonFlag, profilesFlag } from '../cli/flags.js'
import { EXIT_INPUT } from '../diagnostics/errors.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check the inventory and the profiles; report every problem with its position'
  static override examples = ['<%= config.bin %> validate examples/cluster.yaml', '<%= config.bin %> validate --json']
  static override args = { file: inventoryArg }
  static override flags = { inventory: inventoryFlag, profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Validate)
    const file = inventoryFile(args, flags, this.argv)
    const { loadCluster } = await import('../pipeline/load-cluster.js')
    const { diagnosticsToJson, hasErrors } = await import('../diagnostics/diagnostic.js')
    const cluster = loadCluster({ inventoryFile: file, profileDirs: flags.profiles ?? [] })
    if (flags.json) {
      this.log(JSON.stringify(diagnosticsToJson(cluster.diagnostics), null, 2))
      if (hasErrors(cluster.diagnostics)) this.exit(EXIT_INPUT)
      return
    }
    this.reportDiagnostics(cluster.diagnostics)
    this.log(`${file}: valid (${cluster.nodes.length} nodes)`)
  }
}
