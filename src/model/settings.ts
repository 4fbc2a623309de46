// The settings a profile carries, one section per provisioning step. Profiles (profiles/*.yaml) and per-node
// `overrides:` in the inventory have this shape; after `extends` resolution every field is present.

export interface UserSettings {
  enabled: boolean
  name: string
  uid: number
  gid: number
  groups: string[]
  shell: string
  home: string
  gecos: string
}

export interface DockerSettings {
  enabled: boolean
  packages: string[]
  /** Written to /etc/docker/daemon.json when any field is set. */
  data_root: string | null
  log_max_size: string | null
  log_max_file: number | null
  /** Pinned OpenPGP fingerprint of the repository's signing key, or null. */
  key_fingerprint: string | null
}

export interface LimitEntry {
  domain: string
  type: 'soft' | 'hard' | '-'
  item: string
  value: number | string
}

export interface LimitsSettings {
  enabled: boolean
  entries: LimitEntry[]
}

export interface SysctlSettings {
  enabled: boolean
  values: Record<string, string | number>
}

export interface PythonSettings {
  enabled: boolean
  method: 'static' | 'pyenv'
  /** 'auto' takes the version from the Backend.AI release line. */
  version: string
  /** python-build-standalone release (YYYYMMDD); 'auto' follows version. */
  release: string
  /** Pinned sha256 per architecture; when absent the release's SHA256SUMS is used. */
  sha256: Record<string, string>
  base_url: string
}

export interface ServicesSettings {
  /** One venv per service at <home>/<service>/.venv. */
  venvs: string[]
}

export interface HostsSettings {
  enabled: boolean
  /** Which nodes the block names: the service nodes and the node itself, or every node. */
  scope: 'services' | 'all'
}

export interface StorageSettings {
  enabled: boolean
  /** Use /vfroot/local on this node whatever the inventory's shared storage says (single-node installs). */
  local: boolean
  /** Mount options for NFS exports. */
  nfs_options: string[]
  /** Serve the inventory's NFS exports from this node when storage.server is its address (the storage role does too). */
  nfs_server: boolean
}

export interface NvidiaSettings {
  enabled: boolean
  /** ubuntu-drivers: `ubuntu-drivers install --gpgpu nvidia:<branch>`; package: apt installs `package`. */
  driver: { method: 'package' | 'ubuntu-drivers'; package: string; dkms: boolean }
  cuda: { enabled: boolean; package: string; key_fingerprint: string | null }
  container_toolkit: { enabled: boolean; key_fingerprint: string | null }
  reboot: boolean
  /** NVIDIA Fabric Manager: auto installs it when NVSwitch devices are on the PCI bus. */
  fabric_manager: 'auto' | boolean
  /** nvidia-persistenced with persistence mode on. */
  persistence: boolean
  /** GPUs nvidia-check expects to see; 0: at least one. */
  gpus: number
  /** MIG layout applied at every boot: GPU index (or `all`) -> MIG profiles. */
  mig: { enabled: boolean; layout: Record<string, string[]> }
  dcgm: { enabled: boolean; exporter_image: string }
  /** nvidia-peermem and the RDMA user-space tools. */
  rdma: boolean
  /** Image nvidia-check starts through Docker's nvidia runtime; auto: the first image of images.pull. */
  check_image: string
}

export interface ImagesSettings {
  enabled: boolean
  pull: string[]
  parallel: number
  retries: number
}

export interface PackagesSettings {
  /** Extra apt packages installed on the node. */
  install: string[]
}

export interface Settings {
  user: UserSettings
  limits: LimitsSettings
  sysctl: SysctlSettings
  hosts: HostsSettings
  storage: StorageSettings
  packages: PackagesSettings
  docker: DockerSettings
  python: PythonSettings
  services: ServicesSettings
  nvidia: NvidiaSettings
  images: ImagesSettings
  /** Step id -> how long the step may take (`45m`, `2h`, `1h30m`): the stall deadline the plan carries (step-duration.ts). */
  expected_durations: Record<string, string>
}

