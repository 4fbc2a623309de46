import { Args, Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { jsonFlag, outputFlag } from '../cli/flags.js'
import { InputError } from '../diagnostics/errors.js'

export default class Status extends BaseCommand {
  static override summary = 'Show which nodes are installing, provisioning, rebooting, done, failed or stalled, from what they reported'
  static override description =
    'Nodes report each stage of their install and first boot to `bai-seed serve` when the inventory has `reporting: {url: ...}`. ' +
    'One line per node (failed and stalled first), and a summary line; with NODE names, each node\'s timeline and the log tail of a failed step. ' +
    'Reads the output folder (-o), or a running serve (--url). Exit 0 when every node is done, 1 when any failed, stalled or is not done yet.'
  static override examples = [
    '<%= config.bin %> status -o out',
    '<%= config.bin %> status bai-a01',
    '<%= config.bin %> status --url http://10.20.30.5:8080/ --watch',
    '<%= config.bin %> status --json',
  ]
  static override strict = false
  static override args = { node: Args.string({ description: 'node host names (show their timelines)' }) }
  static override flags = {
    output: outputFlag,
    url: Flags.string({ description: 'a running bai-seed serve to ask instead of the output folder', exclusive: ['output'] }),
    json: jsonFlag,
    watch: Flags.boolean({ description: 'redraw every few seconds until every node is done, failed or stalled' }),
    interval: Flags.integer({ description: 'seconds between redraws with --watch', default: 2, min: 1, max: 3600, hidden: true }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Status)
    const nodes = (argv as string[]).filter((a) => a !== '')
    const { folderSource, urlSource } = await import('../fleet/fleet-source.js')
    const { fleetExit, fleetSettled } = await import('../fleet/fleet-view.js')
    const { fleetText, nodeText } = await import('../fleet/status-text.js')
    let source
    if (flags.url) {
      if (!/^https?:\/\/[^/\s]+/.test(flags.url)) throw new InputError('FLAG', `--url ${flags.url}: not an http:// or https:// URL`)
      source = urlSource(flags.url)
    } else {
      const { existsSync, statSync } = await import('node:fs')
      if (!existsSync(flags.output) || !statSync(flags.output).isDirectory()) {
        throw new InputError('NO_OUTPUT', `${flags.output}/ does not exist; run bai-seed render first (or give --url of a running serve)`)
      }
      source = folderSource(flags.output)
    }
    const tty = process.stdout.isTTY === true && !flags.json
    for (;;) {
      const view = await source.view(nodes)
      const unknown = nodes.filter((n) => !view.nodes.some((v) => v.hostname === n))
      if (unknown.length) throw new InputError('NODE', `no such node: ${unknown.join(', ')} (nodes: ${(await source.view([])).nodes.map((n) => n.hostname).sort().join(', ')})`)
      let text: string
      if (flags.json) {
        if (nodes.length) {
          const details = await Promise.all(nodes.map((n) => source.node(n)))
          text = JSON.stringify(details, null, 2) + '\n'
        } else text = JSON.stringify(view.nodes, null, 2) + '\n'
      } else if (nodes.length) {
        const now = new Date()
        const parts: string[] = []
        for (const n of nodes) {
          const d = (await source.node(n))!
          parts.push(nodeText(d, { events: d.timeline, bytes: 0 }, now, d.log ?? undefined))
        }
        text = parts.join('\n')
      } else text = fleetText(view, new Date())
      // On a terminal, --watch redraws in place (cursor home, clear); otherwise each round is printed after the last.
      // Written through before the exit below: process.exit drops what a pipe has not taken yet (a --json of a few
      // hundred events is more than a pipe's 64 KiB).
      await new Promise<void>((resolve) => process.stdout.write(flags.watch && tty ? `\x1b[H\x1b[2J${text}` : text, () => resolve()))
      if (!flags.watch || fleetSettled(view)) {
        this.exit(fleetExit(view))
        return
      }
      await new Promise((r) => setTimeout(r, flags.interval * 1000))
    }
  }
}
