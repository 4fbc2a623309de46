import { Command, Flags } from '#oclif'
import { inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'
import { EXIT_INVALID, printDiagnostics } from '../cli/report.js'

export default class Iso extends Command {
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
    base: Flags.string({ description: 'the Ubuntu live-server ISO to start from (20.04 layout)', required: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Iso)
    const { writeInstallerIso } = await import('../pipeline/iso-cluster.js')
    const { RemasterError } = await import('../iso/remaster.js')
    const { IsoReadError } = await import('../iso/read-iso.js')
    const { existsSync } = await import('node:fs')
    if (!existsSync(flags.base)) {
      process.stderr.write(`error: --base ${flags.base}: no such file\n`)
      return this.exit(EXIT_INVALID)
    }
    let result
    try {
      result = await writeInstallerIso({
        inventoryFile: flags.inventory,
        profileDirs: flags.profiles,
        outDir: flags.output,
        only: flags.node,
        env: process.env,
        base: flags.base,
      })
    } catch (e) {
      if (e instanceof RemasterError || e instanceof IsoReadError) {
        process.stderr.write(`error: ${e instanceof IsoReadError ? `${flags.base}: ` : ''}${e.message}\n`)
        return this.exit(EXIT_INVALID)
      }
      throw e
    }
    printDiagnostics(result.diagnostics)
    for (const e of result.errors) process.stderr.write(`error: ${e}\n`)
    if (!result.file || !result.remastered) {
      process.stderr.write('nothing written\n')
      return this.exit(EXIT_INVALID)
    }
    for (const s of result.remastered.skippedSymlinks) process.stderr.write(`warning: symbolic link ${s} of the base ISO is not copied\n`)
    const r = result.remastered
    this.log(
      `wrote ${result.file} (${(r.size / 1048576).toFixed(1)} MiB, ${r.layout} layout, ${r.files} files of the base, ` +
        `${r.patched.map((p) => `${p.path}: ${p.entries}`).join(', ')} boot entries patched) for ${result.nodes.length} node(s): ${result.nodes.join(', ')}`,
    )
  }
}
