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
    'Binds 127.0.0.1 unless --host says otherwise; use the nginx.conf of `bai-seed pxe` in production. ' +
    'Serves only an output folder bai-seed wrote (its manifest.json), unless --any-folder; answers only the addresses of --allow ' +
    '(default: the inventory subnet the last render recorded, and loopback); a node\'s seed URL closes once the node reported its finished install.'
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --host 0.0.0.0 --port 8080 -o out',
    '<%= config.bin %> serve --host 0.0.0.0 --allow 10.20.30.0/24 --allow 10.99.0.0/16',
  ]
  static override flags = {
    output: outputFlag,
    host: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'TCP port (0 picks a free one)', default: 8080, min: 0, max: 65535 }),
    allow: Flags.string({
      description: 'address or CIDR that may connect (repeatable) [default: the inventory subnet recorded by render, and loopback]',
      multiple: true,
    }),
    'any-folder': Flags.boolean({ description: 'serve a folder that bai-seed did not write (no manifest.json of its own)' }),
    'url-of': Flags.string({
      description: 'print the token URL of an owner-only file under the output folder (e.g. installer/<cluster>-autoinstall.iso) and exit; repeatable',
      multiple: true,
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve)
    const { existsSync, statSync } = await import('node:fs')
    if (!existsSync(flags.output) || !statSync(flags.output).isDirectory()) {
      throw new InputError('NO_OUTPUT', `${flags.output}/ does not exist; run bai-seed render first`)
    }
    if (flags['url-of']?.length) {
      const { tokenUrlOf } = await import('../serve/node-token.js')
      const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host
      for (const path of flags['url-of']) this.log(tokenUrlOf(flags.output, `http://${host}:${flags.port}/`, path))
      return
    }
    const { startStaticServer } = await import('../serve/static-server.js')
    const { formatAccessLog } = await import('../serve/access-log.js')
    // A port in use or an address not on this machine is a system error: exit 3, one line (base command).
    const server = await startStaticServer({
      root: flags.output,
      host: flags.host,
      port: flags.port,
      allow: flags.allow,
      anyFolder: flags['any-folder'],
      log: (entry) => process.stdout.write(formatAccessLog(entry) + '\n'),
    })
    if (!server.allowed.recorded) {
      this.warning('SERVE_ALLOW', `${flags.output}/ records no inventory subnet (rendered by an older bai-seed): only loopback may connect; render again or pass --allow CIDR`)
    }
    // The handlers are in place before the line that says the server is up: whoever reads that line and stops the
    // server at once (a test, a service manager) gets a clean stop, not the default death by signal.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    this.log(`serving ${flags.output}/ at ${server.url} to ${server.allowed.cidrs.join(', ')} (Ctrl-C to stop)`)
    const signal = await stopped
    await server.close()
    this.log(`stopped (${signal})`)
  }
}
