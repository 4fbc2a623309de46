import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'

export default class Bundle extends BaseCommand {
  static override summary = 'Render the nodes and pack their folders into <output>/bundle.tar.gz or <output>/bundle.zip'
  static override description =
    'The archive is reproducible: fixed order, SOURCE_DATE_EPOCH mtimes, owner root (uid/gid 0), modes 0755/0644 and 0600 ' +
    'for files holding password hashes, and a manifest.json of the bundled files.'
  static override examples = ['<%= config.bin %> bundle', '<%= config.bin %> bundle --node bai-a01 --format zip']
  static override flags = {
    inventory: inventoryFlag,
    output: outputFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    format: Flags.string({ description: 'archive format', options: ['tar.gz', 'zip'], default: 'tar.gz' }),
    iso: Flags.boolean({ description: 'render and bundle the NoCloud seed ISOs', default: true, allowNo: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Bundle)
    const { bundleCluster } = await import('../pipeline/bundle-cluster.js')
    const { progressLine } = await import('../cli/progress.js')
    const progress = progressLine(process.stderr, 'rendered')
    const result = await bundleCluster({
      onProgress: progress.update,
      inventoryFile: flags.inventory,
      profileDirs: flags.profiles ?? [],
      outDir: flags.output,
      only: flags.node ?? [],
      powerOffWhenDone: false,
      isos: flags.iso,
      env: process.env,
      format: flags.format as 'tar.gz' | 'zip',
    })
    progress.end()
    this.reportDiagnostics(result.diagnostics, { writes: true })
    const files = result.bundle!.entries.filter((e) => e.type === 'file').length
    this.log(`wrote ${result.bundle!.path} (${result.hostnames.length} node(s), ${files} files)`)
  }
}
