import { Command, Flags } from '@oclif/core'
import { existsSync, writeFileSync } from 'node:fs'

export default class Init extends Command {
  static override summary = 'Write a commented starter inventory'
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init -c site.yaml']
  static override flags = {
    inventory: Flags.string({ char: 'c', description: 'file to write', default: 'cluster.yaml' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
    'ssh-key': Flags.string({ description: 'public key file for ssh.authorized_keys (default: ~/.ssh/id_ed25519.pub or id_rsa.pub if present)' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Init)
    const { starterInventory } = await import('../init/starter-inventory.js')
    const { packageRoot } = await import('../package-root.js')
    const { homedir } = await import('node:os')
    const { join } = await import('node:path')
    const { readFileSync } = await import('node:fs')
    const candidates = flags['ssh-key'] ? [flags['ssh-key']] : ['id_ed25519.pub', 'id_rsa.pub'].map((f) => join(homedir(), '.ssh', f))
    const keyFile = candidates.find((f) => existsSync(f))
    if (flags['ssh-key'] && !keyFile) {
      process.stderr.write(`--ssh-key: cannot read ${flags['ssh-key']}\n`)
      this.exit(2)
    }
    const authorizedKeys = keyFile ? readFileSync(keyFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : []
    const text = starterInventory({ schemaRef: join(packageRoot(), 'schemas', 'inventory.schema.json'), authorizedKeys })
    if (existsSync(flags.inventory) && !flags.force) {
      process.stderr.write(`${flags.inventory} exists; pass --force to overwrite it\n`)
      this.exit(2)
    }
    writeFileSync(flags.inventory, text, { flag: flags.force ? 'w' : 'wx' })
    this.log(`wrote ${flags.inventory}: edit it, then run: bai-seed validate -c ${flags.inventory}`)
  }
}
