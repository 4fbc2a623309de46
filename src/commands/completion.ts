import { Args } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'

export default class Completion extends BaseCommand {
  static override summary = 'Print a shell completion script for bash or zsh'
  static override description =
    'bash: add `source <(bai-seed completion bash)` to ~/.bashrc. ' +
    'zsh: add `source <(bai-seed completion zsh)` to ~/.zshrc (after compinit).'
  static override examples = ['<%= config.bin %> completion bash > /etc/bash_completion.d/bai-seed', 'source <(<%= config.bin %> completion zsh)']
  static override args = { shell: Args.string({ description: 'shell', options: ['bash', 'zsh'], required: true }) }

  async run(): Promise<void> {
    const { args } = await this.parse(Completion)
    const { completionScript } = await import('../cli/completion-script.js')
    const commands = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({ id: c.id.replace(/:/g, ' '), flags: Object.entries(c.flags).flatMap(([name, f]) => [`--${name}`, ...(f.char ? [`-${f.char}`] : [])]) }))
    process.stdout.write(completionScript(this.config.bin, commands, args.shell as 'bash' | 'zsh'))
  }
}
