import { Command, Flags } from '@oclif/core'
import { existsSync, writeFileSync } from 'node:fs'

export default class Init extends Command {
  static override summary = 'Write a commented starter inventory'
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init -c site.yaml']
  static override flags = {
    inventory: Flags.string({ char: 'c', description: 'file to write', default: 'cluster.yaml' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Init)
    const { STARTER_INVENTORY } = await import('../init/starter-inventory.js')
    if (existsSync(flags.inventory) && !flags.force) {
      process.stderr.write(`${flags.inventory} exists; pass --force to overwrite it\n`)
      this.exit(2)
    }
    writeFileSync(flags.inventory, STARTER_INVENTORY, { flag: flags.force ? 'w' : 'wx' })
    this.log(`wrote ${flags.inventory}: edit it, then run: bai-seed validate -c ${flags.inventory}`)
  }
}
