// The first-boot cloud-config of a node (cloud-init user-data for cloud images and VMs; the same document goes
// under autoinstall.user-data for bare-metal installs). It creates the service account natively, installs the
// provisioning script and bai-seed.service, and starts the unit; the script does every step of the plan.
import type { NodePlan } from '../../model/plan.js'
import { renderScript } from '../script/render-script.js'
import { SCRIPT_PATH } from '../script/unit.js'
import { shellQuote } from '../script/shell-quote.js'
import { GZIP_BASE64, gzipBase64 } from './gzip-base64.js'

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
}

export function buildCloudConfig(plan: NodePlan, options: CloudConfigOptions): Record<string, unknown> {
  const u = plan.user
  const userEntry: Record<string, unknown> = {
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
  if (u.passwordHash) userEntry.hashed_passwd = u.passwordHash
  if (u.sudoNopasswd) userEntry.sudo = 'ALL=(ALL) NOPASSWD:ALL'
  if (u.authorizedKeys.length) userEntry.ssh_authorized_keys = u.authorizedKeys
  const doc: Record<string, unknown> = {
    hostname: plan.hostname,
    fqdn: plan.fqdn,
    // The script writes the cluster's block into /etc/hosts; cloud-init must not rewrite the file.
    manage_etc_hosts: false,
    timezone: plan.timezone,
    bootcmd: [['sh', '-c', `getent group ${shellQuote(u.name)} >/dev/null || groupadd --gid ${shellQuote(u.gid)} ${shellQuote(u.name)}`]],
    users: [userEntry],
    ssh_pwauth: plan.sshAllowPassword,
  }
  if (options.apt && (plan.aptMirror || plan.proxy)) {
    const apt: Record<string, unknown> = {}
    if (plan.aptMirror) {
      // The security pocket comes from the same mirror: a site without internet access reaches no other archive.
      apt.primary = [{ arches: ['default'], uri: plan.aptMirror }]
      apt.security = [{ arches: ['default'], uri: plan.aptMirror }]
    }
    if (plan.proxy) apt.proxy = plan.proxy
    doc.apt = apt
  }
  // Trusted before apt and the first-boot script run (the script installs them again for golden images).
  if (plan.caCertificates.length) doc.ca_certs = { trusted: plan.caCertificates }
  // Compressed: the script is most of the document (provision.sh beside it is the readable copy); inside, or the
  // whole document when the caller compresses that.
  const script: Record<string, unknown> = { path: SCRIPT_PATH, owner: 'root:root', permissions: '0700' }
  if (options.scriptEncoding === 'plain') script.content = options.script ?? renderScript(plan)
  else {
    script.encoding = GZIP_BASE64
    script.content = options.compressedScript ?? gzipBase64(options.script ?? renderScript(plan))
  }
  doc.write_files = [script]
  doc.runcmd = [
    // The script carries bai-seed.service and installs and enables it (one copy of the unit, not two).
    [SCRIPT_PATH, '--install-unit'],
    // --no-block: the unit is ordered after cloud-final, which is running this very command.
    ['systemctl', 'start', '--no-block', 'bai-seed.service'],
  ]
  return doc
}
