// The last autoinstall late-command: when the machine was netbooted by `bai-seed pxe`, its kernel command line holds
// bai_seed.done=<URL> (its per-node token included), and the installer POSTs there so that `bai-seed serve` makes every
// boot loader boot this machine from its local disk from now on (one-shot installs). Booted from an ISO there is no
// such word and nothing happens. It never fails the install: a report that does not arrive only means the next
// network boot installs again.
import { shellQuote } from '../script/shell-quote.js'

export const REPORT_INSTALLED_SCRIPT = [
  "u=$(tr ' ' '\\n' </proc/cmdline | sed -n 's/^bai_seed\\.done=//p' | tail -n 1)",
  '[ -n "$u" ] || exit 0',
  'if curl -fsS -X POST --max-time 30 --retry 5 --retry-connrefused --retry-delay 3 "$u"; then exit 0; fi',
  'echo "bai-seed: could not report the finished install to ${u%/*}/; its next network boot installs it again" >&2',
  'exit 0',
].join('\n')

/**
 * With `reportUrl` (the inventory's `reporting`), a machine installed from other media reports there too: the
 * kernel command line's URL first, else the node's own report URL. The POST carries no body: to bai-seed serve that
 * is the installer's install-finished event (src/fleet/report-event.ts), which also writes the PXE marker.
 */
export function reportInstalledCommand(reportUrl?: string): string[] {
  if (reportUrl === undefined) return ['sh', '-c', REPORT_INSTALLED_SCRIPT]
  return ['sh', '-c', REPORT_INSTALLED_SCRIPT.replace('[ -n "$u" ] || exit 0', `[ -n "$u" ] || u=${shellQuote(reportUrl)}`)]
}
