import { Args } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'

export default class Help extends BaseCommand {
  static override summary = 'Show help for bai-seed or for one command (same as COMMAND --help or -h)'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help render', '<%= config.bin %> help profiles show']
  static override strict = false
  static override args = { command: Args.string({ description: 'command to explain', required: false }) }

  async run(): Promise<void> {
    const { argv } = await this.parse(Help)
    const { loadHelpClass } = await import('#oclif')
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? {}).showHelp(argv as string[])
  }
}
