import { Flags } from '#oclif'
import { BaseCommand } from '../cli/base-command.js'
import { outputFlag } from '../cli/flags.js'
import { InputError } from '../diagnostics/errors.js'

export default class Serve extends BaseCommand {
  static override summary = 'Serve the output folder over HTTP for lab network installs, logging which node fetched what'
  static override description =
    'GET and HEAD of files under the output folder, no directory listing, nothing outside it; the one write is a node reporting a stage of its ' +
    'install and first boot (POST /report/<node>/<token>, with the inventory\'s `reporting:`) into the status store .bai-seed-status/; ' +
    'a finished install also makes a netbooted machine boot from its local disk (see `bai-seed pxe`). /status shows the fleet (see `bai-seed status`). ' +
    'Binds 127.0.0.1 unless --host says otherwise; use the nginx.conf of `bai-seed pxe` in production.'
  static override examples = ['<%= config.bin %> serve', '<%= config.bin %> serve --host 0.0.0.0 --port 8080 -o out']
  static override flags = {
    output: outputFlag,
    host: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'TCP port (0 picks a free one)', default: 8080, min: 0, max: 65535 }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve)
    const { existsSync, statSync } = await import('node:fs')
    if (!existsSync(flags.output) || !statSync(flags.output).isDirectory()) {
      throw new InputError('NO_OUTPUT', `${flags.output}/ does not exist; run bai-seed render first`)
    }
    const { startStaticServer } = await import('../serve/static-server.js')
    const { formatAccessLog } = await import('../serve/access-log.js')
    // A port in use or an address not on this machine is a system error: exit 3, one line (base command).
    const server = await startStaticServer({
      root: flags.output,
      host: flags.host,
      port: flags.port,
      log: (entry) => process.stdout.write(formatAccessLog(entry) + '\n'),
    })
    this.log(`serving ${flags.output}/ at ${server.url} (Ctrl-C to stop)`)
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await server.close()
    this.log(`stopped (${signal})`)
  }
}
