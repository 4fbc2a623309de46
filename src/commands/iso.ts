import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'
import { InputError } from '../diagnostics/errors.js'

export default class Iso extends BaseCommand {
  static override summary = 'Write one unattended installer ISO for the cluster: the Ubuntu live-server ISO with every node\'s autoinstall seed'
  static override description =
    'Writes <output>/installer/<cluster>-autoinstall.iso natively (no xorriso): every file of --base, `autoinstall ds=nocloud;s=/cdrom/nocloud/` on every ' +
    'BIOS and UEFI boot entry with a 1 s timeout, and a seed that picks the node by the MAC addresses of the machine it boots on. A machine that ' +
    'matches no node, or several, stops before touching any disk and prints the MACs it saw and expected. Boots as a CD (BMC virtual media) and ' +
    'from a USB stick (isohybrid).'
  static override examples = ['<%= config.bin %> iso --base ubuntu-20.04.6-live-server-amd64.iso', '<%= config.bin %> iso --base focal.iso --node bai-a01 --node bai-a02']
  static override flags = {
    inventory: inventoryFlag,
    output: outputFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    base: Flags.string({ description: 'the Ubuntu live-server ISO to start from (20.04, 22.04 or 24.04 layout)', required: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Iso)
    const { writeInstallerIso } = await import('../pipeline/iso-cluster.js')
    const { RemasterError } = await import('../iso/remaster.js')
    const { IsoReadError } = await import('../iso/read-iso.js')
    const { existsSync } = await import('node:fs')
    if (!existsSync(flags.base)) throw new InputError('ISO_BASE', `--base ${flags.base}: no such file`)
    let result
    try {
      result = await writeInstallerIso({
        inventoryFile: flags.inventory,
        profileDirs: flags.profiles ?? [],
        outDir: flags.output,
        only: flags.node ?? [],
        env: process.env,
        base: flags.base,
      })
    } catch (e) {
      if (e instanceof RemasterError) throw new InputError('ISO_BASE', e.message)
      if (e instanceof IsoReadError) throw new InputError('ISO_BASE', `${flags.base}: ${e.message}`)
      throw e
    }
    this.reportDiagnostics(result.diagnostics, { writes: true })
    const r = result.remastered!
    this.log(
      `wrote ${result.file} (${(r.size / 1048576).toFixed(1)} MiB, Ubuntu ${r.release} layout, ${r.files} files and ${r.symlinks} symbolic links of the base, ` +
        `${r.patched.map((p) => `${p.path}: ${p.entries}`).join(', ')} boot entries patched) for ${result.nodes.length} node(s): ${result.nodes.join(', ')}`,
    )
  }
}
