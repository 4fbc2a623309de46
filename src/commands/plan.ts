import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryArg, inventoryFile, inventoryFlag, outputFlag, profilesFlag, nodeFlag, jsonFlag } from '../cli/flags.js'

export default class Plan extends BaseCommand {
  static override summary = 'Print the ordered provisioning steps of each node, the sources it uses, and which profile set each value'
  static override description =
    'Needs no secret: the password is named, not read. With --diff, compares with the last render in the output ' +
    'folder: which files of which node would change, and which steps would run again (this reads the password).'
  static override examples = [
    '<%= config.bin %> plan examples/cluster.yaml --node bai-a01',
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
    const planned = hasErrors(cluster.diagnostics)
      ? { plans: [], nodes: [], diagnostics: [] }
      : streamPlans(cluster, { only: flags.node ?? [], powerOffWhenDone: false, env: process.env, readSecrets: flags.diff === true })
    this.reportDiagnostics([...cluster.diagnostics, ...planned.diagnostics], { json: flags.json })
    if (flags.diff) {
      const { diffPlans, formatDiffs } = await import('../pipeline/plan-diff.js')
      const diffs = diffPlans([...planned.plans], flags.output)
      if (flags.json) this.log(JSON.stringify(diffs, null, 2))
      else process.stdout.write(formatDiffs(diffs, flags.output))
      return
    }
    // Streamed node by node: `plan --json` of 10,000 nodes is ~170 MB of text.
    await writeTextStream(process.stdout, describedPlanText(planned, flags.json, cluster.inventory))
  }
}
