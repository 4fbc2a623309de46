// The Ubuntu releases bai-seed renders for, and every fact that differs between them, as data in one table (in the
// manner of butane's per-version translators and cloud-init's per-distro overrides). Renderers and steps ask this
// registry; none of them spells a release, codename, ISO name or installer argument itself. Adding a target adds an
// entry here (and its golden files), and touches no renderer.

export const TARGET_IDS = ['ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04'] as const
export type TargetId = (typeof TARGET_IDS)[number]

/** The target of a node whose inventory names none (the release the Backend.AI guide was written for). */
export const DEFAULT_TARGET: TargetId = 'ubuntu-20.04'

/** Debian architecture names (dpkg --print-architecture) and what `uname -m` says for them. */
export const ARCHITECTURES = { amd64: 'x86_64', arm64: 'aarch64' } as const
export type Architecture = keyof typeof ARCHITECTURES

export interface AutoinstallDialect {
  /** Subiquity of the release's install media (after its own refresh, where it refreshes). */
  subiquity: string
  /** Upstream schema file (in the shared schemas folder) that this installer's autoinstall section is checked with. */
  schema: string
  /**
   * `network: {network: {...}}`: the 20.04 GA installer needs the netplan document wrapped once more (fixed in
   * subiquity 20.05.1; later ones accept both, and the newer schema describes only the plain form).
   */
  doubledNetworkKey: boolean
  /** `source: {id}`: the install source (subiquity 22.10 and later); null leaves the key out (older installers). */
  sourceId: string | null
  /** Storage layouts the installer knows. */
  storageLayouts: readonly string[]
  /** `sizing-policy: all` on the lvm layout: the root volume takes the whole disk instead of a capped part. */
  sizingPolicyAll: boolean
  /**
   * How the installer takes the autoinstall document. Through cloud-init user-data (what bai-seed writes) every
   * release wants it under a top-level `autoinstall:` key; 24.04's subiquity also reads an `autoinstall.yaml` on the
   * media without that key, and its cloud-init (23.4+) checks the key's `version` itself (cc_ubuntu_autoinstall).
   */
  autoinstallKey: 'user-data-key' | 'user-data-key-checked-by-cloud-init'
  /**
   * `apt: {fallback: abort}`: stop the install when the archive or mirror cannot be reached, instead of 24.04's
   * default of a silent offline install (the key came with subiquity 23.04; focal-era installers do not know it, and
   * their schema has no such key). false leaves it out.
   */
  aptFallbackAbort: boolean
}

export interface CloudInitFacts {
  /** cloud-init of the release's cloud images at release (later updates only add). */
  version: string
  /** Upstream cloud-config schema file the renderings for this target are checked with. */
  schema: string
  /** HTTP NoCloud seeds: `nocloud-net` before cloud-init 23.2, `nocloud` since (nocloud-net still accepted). */
  httpSeedDatasource: 'nocloud-net' | 'nocloud'
}

export interface InstallerMedia {
  /** The live-server ISO of the latest point release bai-seed knows. */
  isoName: string
  /** ISO 9660 volume id of that ISO (kept by a remaster, so casper finds its media). */
  volumeId: string
  /** Paths inside the ISO (and in a TFTP/HTTP boot tree copied from it). */
  kernel: string
  initrd: string
  /** GRUB configuration of the media (UEFI on every release; BIOS too from 22.04 on). */
  grubCfg: string
  /** BIOS boot of the media: isolinux (20.04) or GRUB's El Torito image (22.04 and later). */
  biosBoot: { loader: 'isolinux'; config: string; image: string; catalog: string } | { loader: 'grub'; image: string }
  /** UEFI boot image: a FAT image file in the ISO tree (20.04), or an appended EFI partition (22.04 and later). */
  efiBoot: { kind: 'file'; path: string } | { kind: 'appended-partition' }
  /** Kernel arguments the installer needs besides the seed (casper's netboot of the ISO over HTTP). */
  netbootArgs: readonly string[]
  /** The seed argument on installer media that carry the seed in /nocloud/ (remastered ISO). */
  mediaSeedArg: string
}

export interface AptFacts {
  /** Format of the distribution's own apt sources: one-line sources.list, or deb822 ubuntu.sources (24.04). */
  sourcesFormat: 'one-line' | 'deb822'
  /** Where the distribution's sources are. */
  sourcesFile: string
}

export interface NvidiaDefaults {
  /**
   * The server driver branch when `nvidia.driver.package` is `auto` (`nvidia:<branch>-server` for ubuntu-drivers,
   * `nvidia-headless-no-dkms-<branch>-server` for the package method), and the CUDA toolkit package that goes with it.
   */
  driverBranch: number
  cudaPackage: string
  /** NVIDIA's CUDA repository folder (developer.download.nvidia.com/compute/cuda/repos/<distro>/). */
  cudaRepoDistro: string
}

export interface OsTarget {
  id: TargetId
  /** /etc/os-release ID and VERSION_ID the script checks at run time. */
  osReleaseId: 'ubuntu'
  version: string
  codename: string
  /** Pretty name for comments and messages. */
  name: string
  architectures: readonly Architecture[]
  autoinstall: AutoinstallDialect
  cloudInit: CloudInitFacts
  media: InstallerMedia
  apt: AptFacts
  /** Docker's apt repository suite (download.docker.com/linux/ubuntu dists/<codename>). */
  dockerCodename: string
  nvidia: NvidiaDefaults
  /** Standard support ends (for the README's matrix and `plan`). */
  standardSupportEnds: string
  /** What `plan` and `render` say on the docker step of a node of this target (Docker's support for the release). */
  dockerNotes: readonly string[]
}

const CASPER = { kernel: 'casper/vmlinuz', initrd: 'casper/initrd' } as const

export const OS_TARGETS: Readonly<Record<TargetId, OsTarget>> = {
  'ubuntu-20.04': {
    id: 'ubuntu-20.04',
    osReleaseId: 'ubuntu',
    version: '20.04',
    codename: 'focal',
    name: 'Ubuntu 20.04 LTS',
    architectures: ['amd64'],
    autoinstall: {
      subiquity: '20.04 GA to 21.08 (focal-era)',
      schema: 'subiquity-autoinstall-focal.json',
      doubledNetworkKey: true,
      sourceId: null,
      storageLayouts: ['lvm', 'direct'],
      sizingPolicyAll: false,
      autoinstallKey: 'user-data-key',
      aptFallbackAbort: false,
    },
    cloudInit: { version: '20.1 (focal-updates: 24.x)', schema: 'cloud-init-cloud-config-22.4.json', httpSeedDatasource: 'nocloud-net' },
    media: {
      isoName: 'ubuntu-20.04.6-live-server-amd64.iso',
      volumeId: 'Ubuntu-Server 20.04.6 LTS amd64',
      ...CASPER,
      grubCfg: 'boot/grub/grub.cfg',
      biosBoot: { loader: 'isolinux', config: 'isolinux/txt.cfg', image: 'isolinux/isolinux.bin', catalog: 'isolinux/boot.cat' },
      efiBoot: { kind: 'file', path: 'boot/grub/efi.img' },
      // casper fetches the ISO from url= into a ramdisk of this many KiB.
      netbootArgs: ['root=/dev/ram0', 'ramdisk_size=1500000', 'ip=dhcp'],
      mediaSeedArg: 'ds=nocloud;s=/cdrom/nocloud/',
    },
    apt: { sourcesFormat: 'one-line', sourcesFile: '/etc/apt/sources.list' },
    dockerCodename: 'focal',
    nvidia: { driverBranch: 535, cudaPackage: 'cuda-toolkit-12-2', cudaRepoDistro: 'ubuntu2004' },
    standardSupportEnds: '2025-05',
    dockerNotes: [
      'Docker stopped publishing Docker Engine updates for Ubuntu 20.04 (focal) in 2025: the node gets the last focal ' +
        'release and no security fixes from Docker; plan a move to 22.04 or 24.04',
    ],
  },
  'ubuntu-22.04': {
    id: 'ubuntu-22.04',
    osReleaseId: 'ubuntu',
    version: '22.04',
    codename: 'jammy',
    name: 'Ubuntu 22.04 LTS',
    architectures: ['amd64'],
    autoinstall: {
      subiquity: '22.04.x point-release installers (refreshed from the stable channel)',
      schema: 'subiquity-autoinstall-latest.json',
      doubledNetworkKey: false,
      sourceId: 'ubuntu-server',
      storageLayouts: ['lvm', 'direct'],
      sizingPolicyAll: true,
      autoinstallKey: 'user-data-key',
      aptFallbackAbort: true,
    },
    cloudInit: { version: '22.1 (jammy-updates: 24.x+)', schema: 'cloud-init-cloud-config-22.4.json', httpSeedDatasource: 'nocloud-net' },
    media: {
      isoName: 'ubuntu-22.04.5-live-server-amd64.iso',
      volumeId: 'Ubuntu-Server 22.04.5 LTS amd64',
      ...CASPER,
      grubCfg: 'boot/grub/grub.cfg',
      biosBoot: { loader: 'grub', image: 'boot/grub/i386-pc/eltorito.img' },
      efiBoot: { kind: 'appended-partition' },
      // cloud-config-url=/dev/null: otherwise cloud-init in the live system takes url= as its config URL and
      // downloads the whole ISO a second time into memory.
      netbootArgs: ['ip=dhcp', 'cloud-config-url=/dev/null'],
      mediaSeedArg: 'ds=nocloud;s=/cdrom/nocloud/',
    },
    apt: { sourcesFormat: 'one-line', sourcesFile: '/etc/apt/sources.list' },
    dockerCodename: 'jammy',
    nvidia: { driverBranch: 570, cudaPackage: 'cuda-toolkit-12-8', cudaRepoDistro: 'ubuntu2204' },
    standardSupportEnds: '2027-06',
    dockerNotes: [],
  },
  'ubuntu-24.04': {
    id: 'ubuntu-24.04',
    osReleaseId: 'ubuntu',
    version: '24.04',
    codename: 'noble',
    name: 'Ubuntu 24.04 LTS',
    architectures: ['amd64'],
    autoinstall: {
      subiquity: '24.04.x',
      schema: 'subiquity-autoinstall-latest.json',
      doubledNetworkKey: false,
      sourceId: 'ubuntu-server',
      storageLayouts: ['lvm', 'direct', 'zfs'],
      sizingPolicyAll: true,
      autoinstallKey: 'user-data-key-checked-by-cloud-init',
      aptFallbackAbort: true,
    },
    cloudInit: { version: '24.1 (noble-updates: 25.x)', schema: 'cloud-init-cloud-config-latest.json', httpSeedDatasource: 'nocloud' },
    media: {
      isoName: 'ubuntu-24.04.3-live-server-amd64.iso',
      volumeId: 'Ubuntu-Server 24.04.3 LTS amd64',
      ...CASPER,
      grubCfg: 'boot/grub/grub.cfg',
      biosBoot: { loader: 'grub', image: 'boot/grub/i386-pc/eltorito.img' },
      efiBoot: { kind: 'appended-partition' },
      netbootArgs: ['ip=dhcp', 'cloud-config-url=/dev/null'],
      mediaSeedArg: 'ds=nocloud;s=/cdrom/nocloud/',
    },
    apt: { sourcesFormat: 'deb822', sourcesFile: '/etc/apt/sources.list.d/ubuntu.sources' },
    dockerCodename: 'noble',
    nvidia: { driverBranch: 570, cudaPackage: 'cuda-toolkit-12-8', cudaRepoDistro: 'ubuntu2404' },
    standardSupportEnds: '2029-05',
    dockerNotes: [],
  },
}

export function osTarget(id: TargetId): OsTarget {
  return OS_TARGETS[id]
}

/** The seed argument of a netbooted installer for an HTTP seed URL (ending in '/'). */
function httpSeedArg(target: OsTarget, seedUrl: string): string {
  return `ds=${target.cloudInit.httpSeedDatasource};s=${seedUrl}`
}

/** The whole installer command line for a netboot: casper's arguments, the ISO, `autoinstall`, the seed. */
export function netbootKernelArgs(target: OsTarget, isoUrl: string, seedUrl: string): string[] {
  return [...target.media.netbootArgs, `url=${isoUrl}`, 'autoinstall', httpSeedArg(target, seedUrl)]
}

/**
 * The oldest driver branch each CUDA toolkit release runs on (NVIDIA's CUDA release notes, "CUDA Toolkit and
 * Corresponding Driver Versions", Linux, GA releases): a toolkit on an older branch fails at run time.
 */
export const CUDA_MIN_DRIVER: Readonly<Record<string, number>> = {
  '11.8': 520,
  '12.0': 525,
  '12.1': 530,
  '12.2': 535,
  '12.3': 545,
  '12.4': 550,
  '12.5': 555,
  '12.6': 560,
  '12.8': 570,
  '12.9': 575,
  '13.0': 580,
}

/** The CUDA release a CUDA package installs (cuda-toolkit-12-8, cuda-runtime-12-8, cuda-12-8 -> 12.8), if its name says. */
export function cudaVersionOf(pkg: string): string | undefined {
  const m = /^cuda(?:-toolkit|-runtime|-libraries)?-(\d+)-(\d+)(?:=.*)?$/.exec(pkg)
  return m ? `${m[1]}.${m[2]}` : undefined
}

export interface DriverBranch {
  /** 570 */
  number: number
  /** The branch as Ubuntu names its packages: 570-server, 570-server-open, 570, 570-open. */
  name: string
  /** Headless without DKMS (nvidia-headless-no-dkms-*): needs prebuilt modules (linux-modules-nvidia-*). */
  noDkms: boolean
}

/** The driver branch of an Ubuntu NVIDIA driver package name, or undefined when the name does not say it. */
export function driverBranchOf(pkg: string): DriverBranch | undefined {
  const m = /^nvidia-(driver|headless|headless-no-dkms)-(\d{3})((?:-server)?(?:-open)?)(?:=.*)?$/.exec(pkg)
  if (!m) return undefined
  return { number: Number(m[2]), name: `${m[2]}${m[3]}`, noDkms: m[1] === 'headless-no-dkms' }
}
