import { BaseCommand } from '../cli/base-command.js'
import { inventoryArg, inventoryFile, inventoryFlag, profilesFlag, nodeFlag, jsonFlag } from '../cli/flags.js'

export default class Plan extends BaseCommand {
  static override summary = 'Print the ordered provisioning steps of each node and which profile set each value'
  static override examples = ['<%= config.bin %> plan examples/cluster.yaml --node bai-a01', '<%= config.bin %> plan --json']
  static override args = { file: inventoryArg }
  static override flags = { inventory: inventoryFlag, profiles: profilesFlag, node: nodeFlag, json: jsonFlag }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Plan)
    const { loadCluster } = await import('../pipeline/load-cluster.js')
    const { planCluster } = await import('../pipeline/plan-cluster.js')
    const { describePlans, formatPlans } = await import('../plan/describe-plan.js')
    const { hasErrors } = await import('../diagnostics/diagnostic.js')
    const cluster = loadCluster({ inventoryFile: inventoryFile(args, flags, this.argv), profileDirs: flags.profiles ?? [] })
    const planned = hasErrors(cluster.diagnostics)
      ? { plans: [], diagnostics: [] }
      : planCluster(cluster, { only: flags.node ?? [], powerOffWhenDone: false, env: process.env })
    this.reportDiagnostics([...cluster.diagnostics, ...planned.diagnostics], { json: flags.json })
    const described = describePlans(planned.plans, cluster.nodes)
    this.log(flags.json ? JSON.stringify(described, null, 2) : formatPlans(described))
  }
}
