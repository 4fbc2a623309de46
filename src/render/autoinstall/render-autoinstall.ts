// Ubuntu autoinstall user-data (subiquity): everything under `autoinstall:` with `version: 1`, in the dialect of the
// node's target (targets/os-targets.ts). No `identity`: it cannot set uid 1100 and focal's subiquity lets it
// overwrite user-data users; the account is made by the first-boot cloud-config under `user-data`, which also sets
// the hostname.
import type { NodePlan } from '../../model/plan.js'
import { buildCloudConfig, webhookReporting } from '../cloud-config/render-cloud-config.js'
import { buildNetplan } from '../cloud-config/render-network-config.js'
import { shellQuote } from '../script/shell-quote.js'
import { SHARED_PATHS } from '../../model/shared-names.js'
import { plannedStep } from '../../plan/step-def.js'
import { packagesStep } from '../../plan/steps/packages.js'
import { posix } from 'node:path'
import { osTarget } from '../../targets/os-targets.js'
import { growRootLvCommand } from './root-lv.js'
import { reportInstalledCommand } from './report-installed.js'
import { compactScript } from '../script/compact-script.js'
import { aptMirrorSources } from '../apt-sources.js'
import { renderScript } from '../script/render-script.js'
import { gzipBase64 } from '../cloud-config/gzip-base64.js'

const { dirname } = posix

/**
 * The one autoinstall document of a node: `render` writes it as autoinstall/user-data, the installer ISO carries it
 * as nocloud/nodes/<host>.yaml. `script`: provision.sh as already rendered for this plan, and `compressedScript` the
 * gz+b64 form of its compact copy, if the caller has them; `reportUrl`: the node's report URL when it reports (the
 * installer's stages and a failed install go there).
 */
export function buildAutoinstall(plan: NodePlan, script?: string, compressedScript?: string, reportUrl?: string): Record<string, unknown> {
  const dialect = osTarget(plan.target.id).autoinstall
  const netplan = buildNetplan(plan)
  const layout: Record<string, unknown> = { name: 'lvm', match: plan.disk }
  // Where the installer can size the root LV itself, let it take the group when the plan wants all of it (a given
  // size is left to the late-command, which never shrinks).
  if (dialect.sizingPolicyAll && plan.rootLv === 'all') layout['sizing-policy'] = 'all'
  const ai: Record<string, unknown> = {
    version: 1,
    locale: plan.locale,
    keyboard: { layout: plan.keyboard },
    network: dialect.doubledNetworkKey ? { network: netplan } : netplan,
  }
  // The driver search is off: the plan installs the NVIDIA driver it names itself, at first boot.
  if (dialect.sourceId) ai.source = { id: dialect.sourceId, search_drivers: false }
  Object.assign(ai, {
    storage: { layout },
    ssh: {
      'install-server': true,
      'authorized-keys': plan.user.authorizedKeys,
      'allow-pw': plan.sshAllowPassword,
    },
  })
  if (plan.mirrors.proxy) ai.proxy = plan.mirrors.proxy
  const apt: Record<string, unknown> = { geoip: !plan.mirrors.apt, ...aptMirrorSources(plan) }
  // An unreachable archive or mirror stops the install (said, not a silent offline install without updates).
  if (dialect.aptFallbackAbort) apt.fallback = 'abort'
  ai.apt = apt
  // The plan's base packages, installed from the installer's own apt access, so the first boot finds them even
  // before the network is up.
  const packages = plannedStep(plan, packagesStep)?.vars.install ?? []
  if (packages.length) ai.packages = packages
  const marker = `/target${SHARED_PATHS.installedMarker}`
  ai['late-commands'] = [
    // A record of what installed this machine, for the operator; the real work happens at first boot.
    ['sh', '-c', `mkdir -p ${shellQuote(dirname(marker))} && echo ${shellQuote(`installed by bai-seed autoinstall for ${plan.hostname}`)} > ${shellQuote(marker)}`],
    growRootLvCommand(plan),
    // Last: a PXE-booted installer reports its finished install (one-shot network installs).
    reportInstalledCommand(reportUrl),
  ]
  // The installed system's cloud-init (20.1 and later on 20.04) unpacks the gz+b64 script; subiquity passes
  // user-data through as it is. The embedded copy is the compact one (no comments or indentation).
  const compressed = compressedScript ?? gzipBase64(compactScript(script ?? renderScript(plan, reportUrl)))
  // subiquity and curtin post each install stage, and a failed install, to the node's report URL.
  if (reportUrl !== undefined) ai.reporting = webhookReporting(reportUrl)
  ai['user-data'] = buildCloudConfig(plan, { apt: false, compressedScript: compressed, reportUrl })
  return { autoinstall: ai }
}
