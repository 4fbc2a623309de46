// Ubuntu 20.04 autoinstall user-data (subiquity, focal era): everything under `autoinstall:` with `version: 1`.
// No `identity`: it cannot set uid 1100 and focal's subiquity lets it overwrite user-data users; the account is made
// by the first-boot cloud-config under `user-data`, which also sets the hostname.
import type { NodePlan } from '../../model/plan.js'
import { buildCloudConfig } from '../cloud-config/render-cloud-config.js'
import { buildNetplan } from '../cloud-config/render-network-config.js'
import { shellQuote } from '../script/shell-quote.js'
import { growRootLvCommand } from './root-lv.js'
import { reportInstalledCommand } from './report-installed.js'

/** `script`: provision.sh as already rendered for this plan, and `compressedScript` its gz+b64 form, if the caller has them. */
export function buildAutoinstall(plan: NodePlan, script?: string, compressedScript?: string): Record<string, unknown> {
  const ai: Record<string, unknown> = {
    version: 1,
    locale: plan.locale,
    keyboard: { layout: plan.keyboard },
    // The doubled `network: network:` form: the 20.04 GA installer needs it, later ones accept it.
    network: { network: buildNetplan(plan) },
    storage: { layout: { name: 'lvm', match: plan.disk } },
    ssh: {
      'install-server': true,
      'authorized-keys': plan.user.authorizedKeys,
      'allow-pw': plan.sshAllowPassword,
    },
  }
  if (plan.proxy) ai.proxy = plan.proxy
  const apt: Record<string, unknown> = { geoip: !plan.aptMirror }
  if (plan.aptMirror) {
    apt.primary = [{ arches: ['default'], uri: plan.aptMirror }]
    apt.security = [{ arches: ['default'], uri: plan.aptMirror }]
  }
  ai.apt = apt
  // Installed from the installer's own apt access, so the first boot finds them even before the network is up.
  ai.packages = ['curl', 'ca-certificates', 'gnupg']
  ai['late-commands'] = [
    // A record of what installed this machine, for the operator; the real work happens at first boot.
    ['sh', '-c', `mkdir -p /target/var/lib/bai-seed && echo ${shellQuote(`installed by bai-seed autoinstall for ${plan.hostname}`)} > /target/var/lib/bai-seed/installed`],
    growRootLvCommand(plan),
    // Last: a PXE-booted installer reports its finished install (one-shot network installs).
    reportInstalledCommand(),
  ]
  // The installed system's cloud-init (20.1 and later on 20.04) unpacks the gz+b64 script; subiquity passes
  // user-data through as it is.
  ai['user-data'] = buildCloudConfig(plan, { apt: false, script, compressedScript })
  return { autoinstall: ai }
}
