// The first-boot cloud-config of a node (cloud-init user-data for cloud images and VMs; the same document goes
// under autoinstall.user-data for bare-metal installs). It creates the service account natively when the plan has
// the `user` step, installs the provisioning script and the unit, and starts the unit; the script does every step.
import type { NodePlan } from '../../model/plan.js'
import { SHARED_PATHS } from '../../model/shared-names.js'
import { plannedStep } from '../../plan/step-def.js'
import { userStep, type UserVars } from '../../plan/steps/user.js'
import { renderScript } from '../script/render-script.js'
import { shellQuote } from '../script/shell-quote.js'
import { GZIP_BASE64, gzipBase64 } from './gzip-base64.js'
import { aptMirrorSources } from '../apt-sources.js'

export interface CloudConfigOptions {
  /** Include the apt mirror/proxy settings (cloud images; the installer configures apt itself for autoinstall). */
  apt: boolean
  /** provision.sh as already rendered for this plan (renderNode renders it once for its three files). */
  script?: string
  /** The script already as gz+b64 content (renderNode compresses it once for both user-data documents). */
  compressedScript?: string
  /**
   * 'plain': the script as it is, for a user-data document that is compressed as a whole (cloud-init/user-data);
   * default 'gz+b64'.
   */
  scriptEncoding?: 'plain' | typeof GZIP_BASE64
  /** The node's report URL (token included): cloud-init posts each stage there (its `reporting` webhook). */
  reportUrl?: string
}

/** cloud-init's (and subiquity's) `reporting:` section: one webhook, the node's report URL. */
export function webhookReporting(reportUrl: string): Record<string, unknown> {
  return { 'bai-seed': { type: 'webhook', endpoint: reportUrl } }
}

function userEntry(u: UserVars): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: u.name,
    // A string: cloud-init before 22.2 (20.04 media up to 20.04.4, older cloud images) passes only string options to
    // useradd and silently drops an integer uid (LP #1875772); newer ones accept both (the schema marks the string
    // form deprecated, not invalid).
    uid: String(u.uid),
    // cloud-init cannot set a gid: bootcmd creates the group with the right gid first, and useradd joins it.
    primary_group: u.name,
    groups: u.groups,
    shell: u.shell,
    homedir: u.home,
    gecos: u.gecos,
    lock_passwd: u.passwordHash === null,
  }
  if (u.passwordHash) entry.hashed_passwd = u.passwordHash
  if (u.sudoNopasswd) entry.sudo = 'ALL=(ALL) NOPASSWD:ALL'
  if (u.authorizedKeys.length) entry.ssh_authorized_keys = u.authorizedKeys
  return entry
}

export function buildCloudConfig(plan: NodePlan, options: CloudConfigOptions): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    hostname: plan.hostname,
    fqdn: plan.fqdn,
    // The script writes the cluster's block into /etc/hosts; cloud-init must not rewrite the file.
    manage_etc_hosts: false,
    timezone: plan.timezone,
  }
  const user = plannedStep(plan, userStep)?.vars
  if (user) {
    const bootcmd = [['sh', '-c', `getent group ${shellQuote(user.name)} >/dev/null || groupadd --gid ${shellQuote(user.gid)} ${shellQuote(user.name)}`]]
    // The supplementary groups (docker) are system groups, as the script and Docker's own package make them:
    // left to cloud-init, users.groups would create them as ordinary groups (docker got gid 1101).
    if (user.groups.length) {
      bootcmd.push(['sh', '-c', user.groups.map((g) => `getent group ${shellQuote(g)} >/dev/null || groupadd --system ${shellQuote(g)}`).join('; ')])
    }
    doc.bootcmd = bootcmd
    doc.users = [userEntry(user)]
  } else if (plan.user.authorizedKeys.length) {
    // No service account in the plan: the image's default user keeps its place and gets the keys.
    doc.ssh_authorized_keys = plan.user.authorizedKeys
  }
  doc.ssh_pwauth = plan.sshAllowPassword
  const { apt: mirror, proxy, ca_certificates: trusted } = plan.mirrors
  if (options.apt && (mirror || proxy)) doc.apt = { ...aptMirrorSources(plan), ...(proxy ? { proxy } : {}) }
  // Trusted before apt and the first-boot script run (the script installs them again for golden images).
  if (trusted.length) doc.ca_certs = { trusted }
  // Compressed: the script is most of the document (provision.sh beside it is the readable copy); inside, or the
  // whole document when the caller compresses that.
  const script: Record<string, unknown> = { path: SHARED_PATHS.installedScript, owner: 'root:root', permissions: '0700' }
  if (options.scriptEncoding === 'plain') script.content = options.script ?? renderScript(plan, options.reportUrl)
  else {
    script.encoding = GZIP_BASE64
    script.content = options.compressedScript ?? gzipBase64(options.script ?? renderScript(plan, options.reportUrl))
  }
  doc.write_files = [script]
  doc.runcmd = [
    // The script carries the unit and installs and enables it (one copy of the unit, not two).
    [SHARED_PATHS.installedScript, '--install-unit'],
    // --no-block: the unit is ordered after cloud-final, which is running this very command.
    ['systemctl', 'start', '--no-block', SHARED_PATHS.unitName],
  ]
  if (options.reportUrl !== undefined) doc.reporting = webhookReporting(options.reportUrl)
  return doc
}
