// provision.sh: the whole plan as one standalone bash script (golden images, manual runs, and what cloud-init and
// autoinstall install on first boot).
import type { NodePlan } from '../../model/plan.js'
import { SHARED_PATHS } from '../../model/shared-names.js'
import { renderTemplate } from '../templates.js'
import { renderUnit } from './unit.js'
import { osTarget } from '../../targets/os-targets.js'
import { BAI_SEED_VERSION } from '../../version.js'

/** How long a reboot may take before a silent node is `stalled` (firmware, RAID and GPU servers boot slowly). */
export const REBOOT_EXPECT_SECONDS = 15 * 60

/**
 * `reportUrl`: where this node posts its events (the plan's `reporting.url` with report/<host>/<token>, a secret: the
 * caller has the output folder's key); without it the script reports nothing and is as it always was.
 */
export function renderScript(plan: NodePlan, reportUrl?: string): string {
  return renderTemplate('script/provision.sh.hbs', {
    version: BAI_SEED_VERSION,
    hostname: plan.hostname,
    fqdn: plan.fqdn,
    cluster: plan.cluster,
    powerOff: plan.powerOffWhenDone ? '1' : '0',
    proxy: plan.mirrors.proxy ?? '',
    noProxy: plan.mirrors.no_proxy.join(','),
    paths: SHARED_PATHS,
    target: { ...osTarget(plan.target.id), arch: plan.target.arch },
    unitText: renderUnit(),
    steps: plan.steps,
    // The lib's NVIDIA helpers go only into the scripts that have NVIDIA steps.
    gpu: plan.steps.some((s) => s.id.startsWith('nvidia-')),
    offline: plan.offline,
    report: reportUrl === undefined ? false : { url: reportUrl, rebootExpect: REBOOT_EXPECT_SECONDS },
  })
}
