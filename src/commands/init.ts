import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { InputError, OutputError } from '../diagnostics/errors.js'

/** The largest --ssh-key file read: public key files hold a few lines of at most about 1 KiB each. */
const MAX_KEY_FILE_BYTES = 64 * 1024

export default class Init extends BaseCommand {
  static override summary = 'Write a commented starter inventory'
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init -c site.yaml --ssh-key ~/.ssh/id_ed25519.pub']
  static override flags = {
    inventory: Flags.string({ char: 'c', description: 'file to write', default: 'cluster.yaml' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
    'ssh-key': Flags.string({ description: 'public key file (.pub) for ssh.authorized_keys [default: ~/.ssh/id_ed25519.pub or id_rsa.pub if present]' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Init)
    const { starterInventory } = await import('../init/starter-inventory.js')
    const { isPrivateKey, sshKeyProblem } = await import('../validate/ssh-key.js')
    const { packageRoot } = await import('../package-root.js')
    const { homedir } = await import('node:os')
    const { dirname, join, relative } = await import('node:path')
    const { existsSync, readFileSync, statSync, writeFileSync } = await import('node:fs')
    const given = flags['ssh-key']
    const keyFile = given ?? ['id_ed25519.pub', 'id_rsa.pub'].map((f) => join(homedir(), '.ssh', f)).find((f) => existsSync(f))
    if (given !== undefined && !(existsSync(given) && statSync(given).isFile())) {
      throw new InputError('SSH_KEY_FILE', `--ssh-key ${given}: no such file`)
    }
    // A public key file is a few lines of at most a few KiB; anything larger is not one (and is not read whole).
    if (keyFile && statSync(keyFile).size > MAX_KEY_FILE_BYTES) {
      throw new InputError('SSH_KEY_FILE', `--ssh-key ${keyFile}: ${statSync(keyFile).size} bytes, not a public key file (at most ${MAX_KEY_FILE_BYTES} bytes)`)
    }
    const keyText = keyFile ? readFileSync(keyFile, 'utf8') : ''
    if (isPrivateKey(keyText)) {
      const pub = existsSync(`${keyFile}.pub`) ? ` (${keyFile}.pub)` : ''
      throw new InputError('PRIVATE_KEY', `--ssh-key ${keyFile} is a PRIVATE key: give the public key file${pub} instead`)
    }
    const authorizedKeys = keyText.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    // Every line must parse as an OpenSSH public key (/etc/shadow, say, must not become authorized_keys). The lines
    // themselves are not echoed: the file may hold secrets.
    const bad = keyText.split('\n').flatMap((l, i) => (l.trim() && !l.trim().startsWith('#') && sshKeyProblem(l.trim()) ? [i + 1] : []))
    if (keyFile && (bad.length > 0 || (given !== undefined && authorizedKeys.length === 0))) {
      const where = bad.length ? `line${bad.length > 1 ? 's' : ''} ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''} ${bad.length > 1 ? 'are' : 'is'} not an OpenSSH public key` : 'no key in it'
      throw new InputError('SSH_KEY_FILE', `--ssh-key ${keyFile} is not a public key file (${where}): give an OpenSSH .pub file`)
    }
    const target = flags.inventory
    const folder = dirname(target)
    if (!existsSync(folder)) throw new OutputError('ENOENT', target, `the folder ${folder}/ does not exist; create it first`)
    if (existsSync(target) && !flags.force) throw new InputError('EXISTS', `${target} exists; pass --force to overwrite it`)
    // The schema path is written relative to the inventory, so the file and a checkout can move together.
    let schemaRef = relative(folder, join(packageRoot(), 'schemas', 'inventory.schema.json'))
    if (!schemaRef.startsWith('.')) schemaRef = `./${schemaRef}`
    writeFileSync(target, starterInventory({ schemaRef, authorizedKeys }), { flag: flags.force ? 'w' : 'wx' })
    this.log(`wrote ${target}: edit it, then run: bai-seed validate ${target}`)
  }
}
