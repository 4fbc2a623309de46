import { Command } from '@oclif/core'
import { inventoryFlag, profilesFlag, jsonFlag } from '../cli/flags.js'
import { EXIT_INVALID, printDiagnostics, diagnosticsReport } from '../cli/report.js'

export default class Validate extends Command {
  static override summary = 'Check the inventory and the profiles; report every problem with its position'
  static override examples = ['<%= config.bin %> validate -c examples/cluster.yaml', '<%= config.bin %> validate --json']
  static override flags = { inventory: inventoryFlag, profiles: profilesFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate)
    const { loadCluster, hasErrors } = await import('../pipeline/load-cluster.js')
    const cluster = loadCluster({ inventoryFile: flags.inventory, profileDirs: flags.profiles })
    if (flags.json) this.log(JSON.stringify(diagnosticsReport(cluster.diagnostics), null, 2))
    else printDiagnostics(cluster.diagnostics)
    if (hasErrors(cluster.diagnostics)) this.exit(EXIT_INVALID)
    if (!flags.json) this.log(`${flags.inventory}: valid (${cluster.nodes.length} nodes)`)
  }
}
