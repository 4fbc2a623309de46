// The cluster inventory (cluster.yaml) as it is after loading and validation.
import type { Settings } from './settings.js'
import type { TargetId } from '../targets/os-targets.js'

/** A partial Settings tree, as written in profiles and per-node overrides. Lists may use `key+:` to append. */
export type SettingsPatch = { [K in keyof Settings]?: Record<string, unknown> }

export interface NfsExport {
  /** Mounted at /vfroot/<name>. */
  name: string
  /** Path on the NFS server. */
  path: string
  options?: string[]
}

export interface StorageConfig {
  /** 'local' creates /vfroot/local; 'nfs' mounts every export. */
  type: 'local' | 'nfs'
  server?: string
  exports?: NfsExport[]
}

export interface Mirrors {
  /** Ubuntu archive mirror (installer, cloud-init and provision.sh apt sources, every pocket). */
  apt?: string
  /** Docker's apt repository (default https://download.docker.com/linux/<distro id>). */
  docker_apt?: string
  /** Docker's signing key (default <docker_apt>/gpg). */
  docker_apt_key?: string
  /** NVIDIA's CUDA repositories; <distro>/<arch>/ is appended. */
  cuda_apt?: string
  cuda_apt_key?: string
  /** NVIDIA Container Toolkit repository; stable/deb/<arch>/ is appended. */
  nvidia_toolkit_apt?: string
  nvidia_toolkit_apt_key?: string
  /** python-build-standalone release downloads (replaces python.base_url). */
  python?: string
  pypi?: string
  /** host[:port] pip trusts without TLS verification. */
  pypi_trusted_host?: string
  /** Registry (host[:port]) that mirrors the images to pre-pull. */
  registry?: string
  /** Per registry host: the mirror (host[:port][/path]) its images are pulled from. */
  registries?: Record<string, string>
  /** Docker Hub pull-through mirrors (daemon.json registry-mirrors). */
  docker_hub?: string[]
  /** PEM CA certificates to trust. */
  ca_certificates?: string[]
  proxy?: string
  no_proxy?: string[]
}

/** `offline:` (air-gapped sites): every first-boot download comes from one sealed payload (`bai-seed payload`). */
export interface OfflineSettings {
  /** A second volume with the payload's ISO image (label `label`), or HTTP from `url`. */
  delivery: 'volume' | 'url'
  url?: string
  label: string
  /** sha256 of the payload's manifest.txt, or */
  manifest_sha256?: string
  /** the public SSH key that signed it (manifest.txt.sig). */
  signer?: string
}

/** Where nodes report each stage of their install and first boot (a `bai-seed serve`; src/fleet/). */
export interface ReportingConfig {
  /** Base URL ending in /; nodes post to <url>report/<hostname>/<token>. */
  url: string
}

export interface PasswordSource {
  /** A crypt hash ($6$...). */
  hash?: string
  /** Name of an environment variable holding the plaintext, hashed at render time. */
  env?: string
  /** Path of a file holding the plaintext (relative to the inventory), hashed at render time. */
  file?: string
}

export interface NodeEntry {
  hostname: string
  /** Address with prefix, e.g. 10.20.30.20/24. */
  ip: string
  roles: string[]
  mac?: string
  /** DMI system serial number; the installer ISO matches it besides the MAC. */
  serial?: string
  /** Free-text comment for the /etc/hosts line. */
  comment?: string
  /**
   * Subiquity storage match for the install disk (autoinstall storage.layout.match). The schema allows the keys
   * size (only "largest"), serial, model (globs * and ?) and path (a /dev path, globs allowed).
   */
  disk?: Record<string, string>
  /** Root LV size after an autoinstall: 'all' (default: the whole volume group) or a size such as 200G. */
  root_lv?: string
  /** Network interface name; default matches the MAC, else the first ethernet. */
  interface?: string
  /** Ubuntu release of this node, instead of the cluster's. */
  os?: TargetId
  overrides?: SettingsPatch
  /** Per-node mirrors, proxy and CA certificates: each key replaces the cluster's (registries merge per host). */
  mirrors?: Mirrors
  /** This node's reporting endpoint instead of the cluster's. */
  reporting?: ReportingConfig
}

export interface Inventory {
  cluster: {
    name: string
    domain: string
    /** Backend.AI release line, e.g. "24.09". */
    release: string
    /** Ubuntu release of every node that names none (default ubuntu-20.04). */
    os?: TargetId
    locale: string
    keyboard: string
    timezone: string
  }
  network: {
    subnet: string
    gateway: string
    dns: string[]
    search: string[]
  }
  storage: StorageConfig
  mirrors: Mirrors
  offline?: OfflineSettings
  /** Absent: nothing reports. */
  reporting?: ReportingConfig
  ssh: { authorized_keys: string[]; allow_password: boolean }
  password?: PasswordSource
  /** Folders of the inventory's own profiles, as written (relative to the inventory file). */
  profiles?: string[]
  nodes: NodeEntry[]
}
