// The output folder's own entries, beside the node folders (<output>/<hostname>/): every stage that writes, serves or
// bundles the folder takes these names from here, and validation refuses a host name whose node folder would be one
// of them (RESERVED_HOSTNAMES).

export const OUTPUT_LAYOUT = {
  /** The PXE tree and TFTP root (`bai-seed pxe`), also the URL prefix `serve` answers finished installs under. */
  pxeDir: 'pxe',
  /** The cluster installer ISO (`bai-seed iso`): installer/<cluster>-autoinstall.iso. */
  installerDir: 'installer',
  /** Every file bai-seed wrote and owns (src/write/manifest.ts). */
  manifest: 'manifest.json',
  /** The run lock and the switch journal (0700, never served or bundled). */
  stateDir: '.bai-seed',
  /** The key of the per-node tokens (0600, never served or bundled; src/serve/node-token.ts). */
  nodeKeyFile: '.bai-seed-key',
  /** Staging folders of a run in progress: renders, bundles, and the operator's PXE files set aside by `pxe`. */
  renderStagingPrefix: '.staging-',
  bundleStagingPrefix: '.bundle-',
  pxeKeepPrefix: '.pxe-keep-',
} as const

/** The seed folder on the installer ISO medium (`ds=nocloud;s=/cdrom/nocloud/`). */
export const INSTALLER_SEED_DIR = 'nocloud'

/** `bai-seed bundle`'s archive: bundle.tar.gz or bundle.zip. */
export function bundleFile(format: string): string {
  return `bundle.${format}`
}

/** The installer ISO's path in the output folder. */
export function installerIsoPath(cluster: string): string {
  return `${OUTPUT_LAYOUT.installerDir}/${cluster}-autoinstall.iso`
}

// A host name is one lowercase RFC 1123 label: only the layout's names of that shape can collide with a node folder
// (the others hold a dot or start with one).
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

/** Host names no node may have: its folder would be one of the output folder's own entries. */
export const RESERVED_HOSTNAMES: ReadonlySet<string> = new Set(Object.values(OUTPUT_LAYOUT).filter((name) => LABEL.test(name)))
