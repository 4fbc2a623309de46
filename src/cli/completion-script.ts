// Shell completion for bash and zsh (zsh through its bash compatibility): command names, then the flags of the
// command typed so far, then file names. Built from the command list, so a new command or flag is included; the
// shell text is templates/completion/completion.bash.hbs.
import { renderTemplate } from '../render/templates.js'

export interface CompletedCommand {
  /** Words of the command id, space separated: "render", "profiles show". */
  id: string
  flags: string[]
}

export function completionScript(bin: string, commands: readonly CompletedCommand[], shell: 'bash' | 'zsh'): string {
  const sorted = [...commands].sort((a, b) => (a.id < b.id ? -1 : 1))
  const top = [...new Set(sorted.map((c) => c.id.split(' ')[0]!))]
  const groups = top
    .map((t) => ({ top: t, subs: sorted.filter((c) => c.id.startsWith(`${t} `)).map((c) => c.id.split(' ')[1]!) }))
    .filter((g) => g.subs.length)
    .map((g) => ({ top: g.top, subs: g.subs.join(' ') }))
  return renderTemplate('completion/completion.bash.hbs', {
    shell,
    bin,
    zsh: shell === 'zsh',
    fn: `_${bin.replace(/[^A-Za-z0-9]/g, '_')}_complete`,
    top: top.join(' '),
    groups,
    commands: sorted.map((c) => ({ id: c.id, flags: [...new Set([...c.flags, '--help'])].sort().join(' ') })),
  })
}
