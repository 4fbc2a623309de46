import { Flags } from '#oclif'
import { resolve } from 'node:path'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryFlag, outputFlag, profilesFlag, nodeFlag } from '../cli/flags.js'
import { InputError } from '../diagnostics/errors.js'
import { DEFAULT_INITRD, DEFAULT_ISO_NAME, DEFAULT_KERNEL } from '../render/pxe/boot-options.js'

export default class Pxe extends BaseCommand {
  static override summary = 'Write PXE boot files (GRUB, PXELINUX, iPXE) and an nginx server block into <output>/pxe/'
  static override description =
    "Each node with a MAC address boots the live-server installer of its OS target with the HTTP NoCloud seed <http-base>/<hostname>/autoinstall/, once: " +
    'the installer reports its finished install to `bai-seed serve`, and from then on every loader boots that machine from its local disk until `--reinstall NODE`. ' +
    '<output>/pxe/ is the TFTP root: GRUB and PXELINUX load --kernel and --initrd from it; iPXE loads them from --boot-base (<http-base>/pxe/).'
  static override examples = [
    '<%= config.bin %> pxe --http-base http://10.20.30.5:8080/',
    `<%= config.bin %> pxe --http-base http://boot.lab/seeds/ --iso-url http://mirror.lab/${DEFAULT_ISO_NAME}`,
    '<%= config.bin %> pxe --reinstall bai-a01',
  ]
  static override flags = {
    inventory: inventoryFlag,
    output: outputFlag,
    profiles: profilesFlag,
    node: nodeFlag,
    'http-base': Flags.string({ description: 'URL at which the output folder is served, e.g. http://10.20.30.5:8080/ (required unless --reinstall)' }),
    reinstall: Flags.string({
      description: 'let NODE install again at its next network boot (removes the marker its finished install left); writes nothing else',
      multiple: true,
    }),
    'iso-url': Flags.string({ description: "URL of the live-server ISO every node boots [default: <http-base>/pxe/<the ISO of each node's OS target>]" }),
    'boot-base': Flags.string({ description: 'URL iPXE loads --kernel and --initrd from [default: <http-base>]' }),
    kernel: Flags.string({ description: 'kernel path, relative to the TFTP root (GRUB, PXELINUX) and to --boot-base (iPXE)', default: DEFAULT_KERNEL }),
    initrd: Flags.string({ description: 'initrd path, relative like --kernel', default: DEFAULT_INITRD }),
    'serve-root': Flags.string({ description: 'folder that nginx.conf serves [default: the absolute output folder]' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Pxe)
    if (flags.reinstall?.length) {
      const { reinstallNodes } = await import('../pipeline/pxe-cluster.js')
      const result = reinstallNodes(flags.output, flags.reinstall)
      for (const host of result.notInstalled) this.warning('PXE', `${host} had not reported a finished install; nothing to undo`)
      if (result.cleared.length) this.log(`${result.cleared.join(', ')}: will install again at the next network boot`)
      this.reportDiagnostics(result.problems)
      return
    }
    const httpBase = flags['http-base']
    if (httpBase === undefined) {
      throw new InputError('FLAG', '--http-base is required (the URL at which the output folder is served)')
    }
    if (isLoopback(httpBase)) {
      this.warning('PXE_LOOPBACK', `--http-base ${httpBase} is a loopback address: the machines that boot cannot reach it; give this server's address on their network`)
    }
    const { writePxeTree } = await import('../pipeline/pxe-cluster.js')
    const result = await writePxeTree({
      inventoryFile: flags.inventory,
      profileDirs: flags.profiles ?? [],
      outDir: flags.output,
      only: flags.node ?? [],
      env: process.env,
      flags: {
        httpBase,
        isoUrl: flags['iso-url'],
        bootBase: flags['boot-base'],
        kernel: flags.kernel,
        initrd: flags.initrd,
        serveRoot: flags['serve-root'] ?? resolve(flags.output),
      },
    })
    this.reportDiagnostics(result.diagnostics, { writes: true })
    for (const w of result.warnings) this.warning('PXE', w)
    this.log(`wrote PXE boot files for ${result.booted.length} node(s) into ${flags.output}/pxe/ (${result.booted.join(', ')})`)
  }
}

/** http://127.0.0.1:8080/, http://localhost/, http://[::1]/: only this machine can reach them. */
function isLoopback(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false
  }
  return /^127\./.test(host) || host === 'localhost' || host === '[::1]' || host === '::1'
}
