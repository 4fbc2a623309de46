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
    force: Flags.boolean({ description: 'replace folders in the output folder that an earlier render did not write' }),
    'keep-stale': Flags.boolean({ description: 'keep the folders of nodes no longer in the inventory (removed by default)' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Render)
    const { renderCluster } = await import('../pipeline/render-cluster.js')
    const { progressLine } = await import('../cli/progress.js')
    const progress = progressLine(process.stderr, 'rendered')
    const result = await renderCluster({
      onProgress: progress.update,
      inventoryFile: inventoryFile(args, flags, this.argv),
      profileDirs: flags.profiles ?? [],
      outDir: flags.output,
      only: flags.node ?? [],
      powerOffWhenDone: flags['power-off-when-done'],
      isos: flags.iso,
      env: process.env,
      force: flags.force,
      keepStale: flags['keep-stale'],
    })
    progress.end()
    this.reportDiagnostics(result.diagnostics, { writes: true })
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`)
    for (const warning of result.warnings ?? []) this.warning('STALE_KEPT', warning)
    if (result.secretFiles?.length) {
      const shown = result.secretFiles.slice(0, 12).join(', ') + (result.secretFiles.length > 12 ? `, ... (${result.secretFiles.length} files)` : '')
      process.stderr.write(`note: these files hold secrets (password hash or credentials) and are readable by their owner only (0600): ${shown}\n`)
    }
    const files = result.manifest!.files.length
    this.log(`rendered ${result.hostnames.length} node(s) into ${flags.output}/ (${files} files in manifest.json)`)
  }
}
