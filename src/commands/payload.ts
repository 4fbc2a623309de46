import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { inventoryFlag, profilesFlag } from '../cli/flags.js'

export default class Payload extends BaseCommand {
  static override summary = 'Gather everything the nodes\' first boot downloads into one sealed offline payload (air-gapped sites)'
  static override description =
    'From the sources the inventory names, for the OS targets and roles the nodes have: the apt packages of every step with ' +
    'their dependency closure as a signed local repository, the python-build-standalone archives with SHA256SUMS, the ' +
    'venvs\' wheels, the pre-pull images (one docker-archive, shared layers once) and the repository keys; a manifest ' +
    'of every file (sha256, size) that the nodes check before they use anything; the ISO 9660 image (label BAI_PAYLOAD) ' +
    'to attach as a second volume. Pin the printed manifest sha256 (offline.manifest_sha256) or the signer key ' +
    '(offline.signer) in the inventory. Prints the download size estimate before downloading, and the bytes downloaded ' +
    'so far on a terminal. A re-run fetches only what changed.'
  static override examples = [
    '<%= config.bin %> payload -c cluster.yaml -o payload',
    '<%= config.bin %> payload -o payload --sign-key ~/.ssh/payload_ed25519 --split 4G',
  ]
  static override flags = {
    inventory: inventoryFlag,
    output: Flags.string({ char: 'o', description: 'payload folder (tree/, payload.iso, split/, manifest.json, and its build cache in .bai-seed/payload-cache/)', default: 'payload' }),
    profiles: profilesFlag,
    split: Flags.string({ description: 'also cut payload.iso into chunks of this size for transfer media (700M, 4G), with join.sh' }),
    'sign-key': Flags.string({ description: 'private SSH key that signs the manifest (ssh-keygen -Y sign); pin its public key as offline.signer' }),
    'base-root': Flags.string({ description: 'root folder of the nodes\' base image: resolve packages for its release, leaving out what it has installed' }),
    'archive-keyring': Flags.string({ description: 'keyring of the distribution archive (default /usr/share/keyrings/<id>-archive-keyring.gpg)' }),
    'apt-archive': Flags.string({ description: 'distribution archive to resolve from when the inventory has no mirrors.apt', default: '' }),
    iso: Flags.boolean({ description: 'write payload.iso', default: true, allowNo: true }),
    force: Flags.boolean({ description: 'write into a folder with content that no earlier bai-seed run made (its manifest.json does not list it)', default: false }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Payload)
    const { buildPayload } = await import('../payload/build-payload.js')
    const { parseSize, formatSize } = await import('../payload/size.js')
    const split = flags.split === undefined ? null : parseSize(flags.split)
    const result = await buildPayload({
      inventoryFile: flags.inventory,
      profileDirs: flags.profiles ?? [],
      outDir: flags.output,
      split,
      signKey: flags['sign-key'] ?? null,
      baseRoot: flags['base-root'] ?? null,
      archiveKeyring: flags['archive-keyring'] ?? null,
      aptArchive: flags['apt-archive'],
      iso: flags.iso,
      force: flags.force,
      env: process.env,
      log: (line) => process.stderr.write(`payload: ${line}\n`),
      // On a terminal, one line rewritten with the bytes downloaded so far (cleared when each download ends).
      progress: process.stderr.isTTY ? (line) => process.stderr.write(line === null ? '\r\x1b[K' : `\r\x1b[Kpayload: ${line}`) : undefined,
    })
    this.reportDiagnostics(result.diagnostics, { writes: true })
    this.log(`payload: ${result.files} files, ${formatSize(result.bytes)}`)
    this.log(`manifest sha256 ${result.manifestSha256} (pin it as offline.manifest_sha256)`)
    if (result.signer) this.log(`signed by ${result.signer} (or pin it as offline.signer)`)
    if (result.iso) this.log(`wrote ${result.iso.path} (${formatSize(result.iso.size)}, label ${result.iso.label})`)
    if (result.split) this.log(`wrote ${result.split.chunks.length} chunk(s) and ${result.split.join}`)
  }
}
