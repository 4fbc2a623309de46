import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryArg, inventoryFile, inventoryFlag, outputFlag, profilesFlag, nodeFlag, jsonFlag } from '../cli/flags.js'

export default class Plan extends BaseCommand {
  static override summary = 'Print the ordered provisioning steps of each node, the sources it uses, and which profile set each value'
  static override description =
    'Needs no secret: the password is named, not read, and credentials in URLs are masked. For a whole cluster, nodes ' +
    'with identical plans are shown as one group, and what differs between groups side by side; --node NAME or --full ' +
    'prints each node\'s own plan. With --diff, compares with the last render in the output folder: which files of ' +
    'which node would change, and which steps would run again.'
  static override examples = [
    '<%= config.bin %> plan examples/cluster.yaml',
    '<%= config.bin %> plan examples/cluster.yaml --node bai-a01',
    '<%= config.bin %> plan --full',
    '<%= config.bin %> plan --json',
    '<%= config.bin %> plan --diff -o out',
  ]
  static override args = { file: inventoryArg }
  static override flags = {
    inventory: inventoryFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    json: jsonFlag,
    diff: Flags.boolean({ description: 'show what a render would change against the last render in the output folder' }),
    full: Flags.boolean({ description: "print every node's own plan instead of the groups of identical plans" }),
    output: outputFlag,
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Plan)
    const { loadCluster } = await import('../pipeline/load-cluster.js')
    const { streamPlans } = await import('../pipeline/plan-cluster.js')
    const { describedPlanText } = await import('../pipeline/plan-text.js')
    const { writeTextStream } = await import('../write/text-stream.js')
    const { hasErrors } = await import('../diagnostics/diagnostic.js')
    const cluster = loadCluster({ inventoryFile: inventoryFile(args, flags, this.argv), profileDirs: flags.profiles ?? [] })
    const request = { only: flags.node ?? [], powerOffWhenDone: false, env: process.env, readSecrets: flags.diff === true, secretsOptional: true }
    const planned = hasErrors(cluster.diagnostics) ? { plans: [], nodes: [], diagnostics: [], passwordRead: true } : streamPlans(cluster, request)
    this.reportDiagnostics([...cluster.diagnostics, ...planned.diagnostics], { json: flags.json })
    if (flags.diff) {
      const { diffPlans, formatDiffs } = await import('../pipeline/plan-diff.js')
      // Without the password: a second plan with another stand-in tells which files and steps depend on it.
      const other = planned.passwordRead ? undefined : [...streamPlans(cluster, { ...request, readSecrets: false, standIn: 'bai-seed plan: other' }).plans]
      const diffs = diffPlans([...planned.plans], flags.output, other)
      if (flags.json) this.log(JSON.stringify(diffs, null, 2))
      else process.stdout.write(formatDiffs(diffs, flags.output))
      return
    }
    // Streamed node by node: `plan --json` of 10,000 nodes is ~170 MB of text.
    const grouped = !flags.full && !flags.node?.length
    await writeTextStream(process.stdout, describedPlanText(planned, flags.json, cluster.inventory, grouped))
  }
}
