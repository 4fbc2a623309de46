// plan -> PXE tree: the files under out/pxe/ (the TFTP root) that boot each node with a MAC address into the
// live-server installer of its OS target with its HTTP NoCloud seed, once:
//   grub/grub.cfg                 GRUB (UEFI), one entry per node chosen by $net_default_mac. Debian's and Ubuntu's
//                                 signed grubnetx64.efi (prefix /grub) read only this file, never a per-MAC one.
//   grub/grub.cfg-01-<mac>        the node's entry alone: what GRUB 2.06's own lookup (an unsigned grub-mkimage
//                                 build) reads first; it never reads grub.cfg-<mac> without the "01-".
//   pxelinux.cfg/01-<mac>         PXELINUX (BIOS); pxelinux.cfg/default boots the next device (unknown MACs)
//   ipxe/boot.ipxe                iPXE, chains per MAC to ipxe/<hostname>.ipxe; unknown MACs exit
//   nodes.json                    hostname and MAC of each node, for bai-seed serve and pxe --reinstall
//   nginx.conf                    an nginx server block that serves the output folder
// Local boot (installed MACs, and in grub.cfg unknown ones): GRUB chainloads the installed system's EFI loader
// (LOCAL_EFI_LOADERS), PXELINUX does LOCALBOOT 0, iPXE exits to the next boot device.
// One-shot installs: the installer reports its finished install (late-command, bai_seed.done= on the kernel command
// line) and bai-seed serve writes installed/01-<mac> (installedMarker below); while it exists, GRUB ([ -s ]), PXELINUX
// (INCLUDE) and iPXE (imgfetch) boot that machine from its local disk, until `bai-seed pxe --reinstall NODE`.
// Every value is checked before rendering (the flags in boot-options.ts, the nodes in src/validate/validate-media.ts):
// a value no loader can carry is an input error there, never a broken file here; the quoting helpers still refuse one.
import type { NodePlan } from '../../model/plan.js'
import type { Artifact } from '../render-node.js'
import { BAI_SEED_VERSION } from '../../version.js'
import { installerArgs, PXE_FOLDER, type PxeOptions } from './boot-options.js'
import { osTarget } from '../../targets/os-targets.js'
import { dashedMac, normalizeMac } from './mac-address.js'
import { PXELINUX_MAX_LINE } from './pxelinux-quote.js'
import { renderPxeTemplate } from './pxe-templates.js'

/**
 * EFI loaders of an installed system that GRUB's local boot looks for on the machine's disks, in this order, and
 * chainloads: Ubuntu's shim (it loads grubx64.efi beside it, and is the one Secure Boot accepts), Ubuntu's GRUB, then
 * the removable-media path every UEFI firmware boots.
 */
export const LOCAL_EFI_LOADERS = ['/EFI/ubuntu/shimx64.efi', '/EFI/ubuntu/grubx64.efi', '/EFI/BOOT/BOOTX64.EFI'] as const

const NO_LOCAL_LOADER = 'bai-seed: no EFI loader of an installed system on the local disks; leaving to the firmware'

/** The folder under the output folder that holds the PXE tree; no node may have this name (output-layout.ts). */
export const PXE_DIR = PXE_FOLDER

/** The file, relative to the TFTP root (out/pxe/), whose presence makes a MAC boot from its local disk. */
export function markerPath(mac: string): string {
  return `installed/01-${dashedMac(mac)}`
}

/** The hostname and MAC address of each node with PXE files (out/pxe/nodes.json). */
export const NODES_FILE = 'nodes.json'
export interface PxeNodeEntry {
  hostname: string
  mac: string
}

/** Seconds GRUB shows the entry before booting it, so that an operator at the console can stop an install. */
export const GRUB_TIMEOUT = 5

export interface PxeRender {
  files: Artifact[]
  /** Hostnames of the nodes with PXE files: those with a MAC address. */
  booted: string[]
}

interface BootNode {
  hostname: string
  fqdn: string
  mac: string
  dashed: string
  title: string
  localTitle: string
  marker: string
  args: string[]
}

/** The words of a node's kernel command line, as every loader passes them (iPXE names the initrd for the EFI stub). */
export function pxeKernelArgs(plan: NodePlan, options: PxeOptions, tokenOf: (hostname: string) => string): string[] {
  return ['initrd=initrd', ...installerArgs(options, plan.hostname, tokenOf(plan.hostname), osTarget(plan.target.id))]
}

/**
 * `tokenOf` gives the node's token for reporting a finished install (src/serve/node-token.ts). The plans passed
 * checkPxeNodes (src/validate/validate-media.ts); nodes without a MAC address get no files.
 */
export function renderPxe(plans: NodePlan[], options: PxeOptions, cluster: string, tokenOf: (hostname: string) => string): PxeRender {
  const nodes: BootNode[] = []
  for (const plan of plans) {
    const host = plan.hostname
    if (!plan.address.mac) continue
    const mac = normalizeMac(plan.address.mac)
    if (!mac) throw new Error(`${host}: MAC address ${JSON.stringify(plan.address.mac)} passed validation unnormalized`)
    const target = osTarget(plan.target.id)
    const args = pxeKernelArgs(plan, options, tokenOf).slice(1)
    nodes.push({
      hostname: host,
      fqdn: plan.fqdn,
      mac,
      dashed: dashedMac(mac),
      title: `Install ${plan.fqdn} (${target.name} autoinstall)`,
      localTitle: `${plan.fqdn} is installed: boot from the local disk (bai-seed pxe --reinstall ${host} to install again)`,
      marker: markerPath(mac),
      args,
    })
  }
  return { files: renderFiles(nodes, options, cluster), booted: nodes.map((n) => n.hostname) }
}

function renderFiles(nodes: BootNode[], options: PxeOptions, cluster: string): Artifact[] {
  const note = `Generated by bai-seed ${BAI_SEED_VERSION} (bai-seed pxe) for cluster ${cluster}; do not edit, run bai-seed pxe again.`
  const file = (path: string, content: string): Artifact => ({ path, content, mode: 0o644 })
  const files: Artifact[] = []
  // GRUB's root is the TFTP server: paths are absolute in the TFTP root.
  const grubNodes = nodes.map((n) => ({ ...n, kernel: `/${options.kernel}`, initrd: `/${options.initrd}`, marker: `/${n.marker}` }))
  const local = { localLoaders: LOCAL_EFI_LOADERS, noLoaderMessage: NO_LOCAL_LOADER }
  files.push(file('grub/grub.cfg', renderPxeTemplate('grub', 'grub.cfg', { note, timeout: GRUB_TIMEOUT, nodes: grubNodes, ...local })))
  for (const n of grubNodes) {
    files.push(file(`grub/grub.cfg-01-${n.dashed}`, renderPxeTemplate('grub', 'node', { ...n, note, timeout: GRUB_TIMEOUT, ...local })))
  }
  for (const n of nodes) {
    const text = renderPxeTemplate('pxelinux', 'node', { ...n, note, kernel: options.kernel, initrd: options.initrd })
    const long = text.split('\n').find((line) => Buffer.byteLength(line) > PXELINUX_MAX_LINE)
    // The APPEND line is the kernel command line (at most 2,047 bytes, validated), the others are short.
    if (long) throw new Error(`${n.hostname}: a PXELINUX line is longer than ${PXELINUX_MAX_LINE} bytes`)
    files.push(file(`pxelinux.cfg/01-${n.dashed}`, text))
  }
  files.push(file('pxelinux.cfg/default', renderPxeTemplate('pxelinux', 'default', { note })))
  const ipxeNodes = nodes.map((n) => ({
    ...n,
    label: `bai-seed-${n.hostname}`,
    markerUrl: `${options.httpBase}${PXE_FOLDER}/${n.marker}`,
    script: `${n.hostname}.ipxe`,
    kernelUrl: `${options.bootBase}${options.kernel}`,
    initrdUrl: `${options.bootBase}${options.initrd}`,
    // The EFI stub of Ubuntu's kernels finds the initrd by this name in iPXE's image list.
    args: ['initrd=initrd', ...n.args],
  }))
  files.push(file('ipxe/boot.ipxe', renderPxeTemplate('ipxe', 'boot', { note, nodes: ipxeNodes })))
  for (const n of ipxeNodes) files.push(file(`ipxe/${n.script}`, renderPxeTemplate('ipxe', 'node', { ...n, note })))
  files.push(file('nginx.conf', renderPxeTemplate('nginx', 'nginx.conf', nginxContext(options, note))))
  const entries: PxeNodeEntry[] = nodes.map((n) => ({ hostname: n.hostname, mac: n.mac }))
  files.push(file(NODES_FILE, `${JSON.stringify({ note, nodes: entries }, null, 2)}\n`))
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function nginxContext(options: PxeOptions, note: string): object {
  const url = new URL(options.httpBase)
  const tls = url.protocol === 'https:'
  // nginx matches locations against the decoded path.
  const path = decodeURIComponent(url.pathname)
  const location = path.endsWith('/') ? path : `${path}/`
  const alias = location !== '/'
  const host = url.hostname
  return {
    note,
    httpBase: options.httpBase,
    serverName: host,
    port: url.port || (tls ? '443' : '80'),
    tls,
    tlsCertificate: `/etc/nginx/tls/${host.replace(/[[\]:]/g, '_')}.crt`,
    tlsCertificateKey: `/etc/nginx/tls/${host.replace(/[[\]:]/g, '_')}.key`,
    location,
    alias,
    // alias replaces the location prefix, so both end with '/'.
    serveRoot: alias ? options.serveRoot.replace(/\/?$/, '/') : options.serveRoot,
    // Nodes whose seeds hold secrets: served at <location><host>/<token>/ only (nginx cannot check a token, so
    // each node's own token path is an alias of its folder, and the folder itself is closed).
    tokenNodes: [...(options.nodePaths ?? new Map<string, string>())].sort().map(([host, path]) => ({
      open: `${location}${path}`,
      closed: `${location}${host}/`,
      folder: `${options.serveRoot.replace(/\/?$/, '/')}${host}/`,
    })),
  }
}

/** The content of installed/01-<mac>: PXELINUX syntax (it is INCLUDEd), non-empty for GRUB's [ -s ]. */
export function installedMarker(hostname: string, mac: string): string {
  const note = `Written by bai-seed ${BAI_SEED_VERSION} when ${hostname} reported a finished install.`
  return renderPxeTemplate('pxelinux', 'installed', { note, hostname, mac })
}
