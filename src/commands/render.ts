import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryArg, inventoryFile, inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'

export default class Render extends BaseCommand {
  static override summary = 'Render every node of the cluster into autoinstall, cloud-init, provision.sh and seed ISOs'
  static override examples = ['<%= config.bin %> render examples/cluster.yaml -o out', '<%= config.bin %> render --node bai-a01,bai-a02']
  static override args = { file: inventoryArg }
  static override flags = {
    inventory: inventoryFlag,
    output: outputFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    'power-off-when-done': Flags.boolean({ description: 'power the machine off when first boot is over (image builds, tests)' }),
    iso: Flags.boolean({ description: 'write the NoCloud seed ISOs', default: true, allowNo: true }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Render)
    const { renderCluster } = await import('../pipeline/render-cluster.js')
    const result = await renderCluster({
      inventoryFile: inventoryFile(args, flags, this.argv),
      profileDirs: flags.profiles ?? [],
      outDir: flags.output,
      only: flags.node ?? [],
      powerOffWhenDone: flags['power-off-when-done'],
      isos: flags.iso,
      env: process.env,
    })
    this.reportDiagnostics(result.diagnostics, { writes: true })
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`)
    const files = result.manifest!.files.length
    this.log(`rendered ${result.plans.length} node(s) into ${flags.output}/ (${files} files in manifest.json)`)
  }
}
