import { Command } from '#oclif'
import { inventoryFlag, profilesFlag, nodeFlag, jsonFlag } from '../cli/flags.js'
import { EXIT_INVALID, printDiagnostics } from '../cli/report.js'

export default class Plan extends Command {
  static override summary = 'Print the ordered provisioning steps of each node and which profile set each value'
  static override examples = ['<%= config.bin %> plan -c examples/cluster.yaml --node bai-a01', '<%= config.bin %> plan --json']
  static override flags = { inventory: inventoryFlag, profiles: profilesFlag, node: nodeFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { flags } = await this.parse(Plan)
    const { loadCluster, hasErrors } = await import('../pipeline/load-cluster.js')
    const { streamPlans } = await import('../pipeline/plan-cluster.js')
    const { describedPlanText } = await import('../pipeline/plan-text.js')
    const { writeTextStream } = await import('../write/text-stream.js')
    const cluster = loadCluster({ inventoryFile: flags.inventory, profileDirs: flags.profiles })
    const planned = hasErrors(cluster.diagnostics)
      ? { plans: [], nodes: [], diagnostics: [] }
      : streamPlans(cluster, { only: flags.node, powerOffWhenDone: false, env: process.env })
    const diagnostics = [...cluster.diagnostics, ...planned.diagnostics]
    printDiagnostics(diagnostics)
    if (hasErrors(diagnostics)) this.exit(EXIT_INVALID)
    // Streamed node by node: `plan --json` of 10,000 nodes is ~170 MB of text.
    await writeTextStream(process.stdout, describedPlanText(planned, flags.json))
  }
}
