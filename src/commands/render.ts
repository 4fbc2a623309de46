import { Command, Flags } from '#oclif'
import { inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'
import { EXIT_INVALID, printDiagnostics } from '../cli/report.js'

export default class Render extends Command {
  static override summary = 'Render every node of the cluster into autoinstall, cloud-init, provision.sh and seed ISOs'
  static override examples = ['<%= config.bin %> render -c examples/cluster.yaml -o out', '<%= config.bin %> render --node bai-a01']
  static override flags = {
    inventory: inventoryFlag,
    output: outputFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    'power-off-when-done': Flags.boolean({ description: 'power the machine off when first boot is over (image builds, tests)' }),
    iso: Flags.boolean({ description: 'write the NoCloud seed ISOs', default: true, allowNo: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Render)
    const { renderCluster } = await import('../pipeline/render-cluster.js')
    const { progressLine } = await import('../cli/progress.js')
    const progress = progressLine(process.stderr, 'rendered')
    const result = await renderCluster({
      onProgress: progress.update,
      inventoryFile: flags.inventory,
      profileDirs: flags.profiles,
      outDir: flags.output,
      only: flags.node,
      powerOffWhenDone: flags['power-off-when-done'],
      isos: flags.iso,
      env: process.env,
    })
    progress.end()
    printDiagnostics(result.diagnostics)
    if (!result.manifest) this.exit(EXIT_INVALID)
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`)
    const files = result.manifest!.files.length
    this.log(`rendered ${result.hostnames.length} node(s) into ${flags.output}/ (${files} files in manifest.json)`)
  }
}
