// What the nodes' first boot would download, read from their plans (the one contract): per release the apt packages
// of every step with the repositories they come from, the python-build-standalone archives, the wheels of the venvs,
// the images to pre-pull. Only the steps and roles the nodes actually have count.
import type { NodePlan, Step } from '../model/plan.js'
import type { DockerVars } from '../plan/steps/docker.js'
import type { NvidiaCudaVars, NvidiaDriverVars, NvidiaFabricManagerVars, NvidiaToolkitVars } from '../plan/steps/nvidia.js'
import type { PackagesVars } from '../plan/steps/packages.js'
import { pbsAsset, type PythonVars } from '../plan/steps/python.js'
import type { ImagesVars } from '../plan/steps/images.js'
import { osTarget } from '../targets/os-targets.js'
import { UPSTREAM } from '../plan/node-mirrors.js'

/** The release the packages are resolved for: the nodes' /etc/os-release ID, VERSION_ID and VERSION_CODENAME. */
export interface Release {
  id: string
  version: string
  codename: string
  /**
   * Kernel versions the nodes' base image has (its lib/modules, from --base-root): the prebuilt NVIDIA modules are
   * those kernels' own packages; unknown (no base image given), the archive's generic kernel's.
   */
  kernels?: readonly string[]
}

/** An apt source with the key that signs it (fetched and checked against the pinned fingerprint). */
export interface KeyedSource {
  name: string
  /** The one-line apt source without its options: `URL SUITE COMPONENT...` or `URL/ /` (flat). */
  line: string
  keyUrl: string
  fingerprint: string
}

export interface AptNeed {
  /** The payload's repository folder under apt/: `<id>-<codename>` (what the node picks at run time). */
  repo: string
  release: Release
  /** The distribution's archive (mirrors.apt of the nodes), or '' when none is given. */
  archive: string
  sources: Map<string, KeyedSource>
  packages: Set<string>
  /**
   * Packages that must be taken at another package's upstream version rather than the newest: Fabric Manager at the
   * version of the driver the payload carries (the node refuses any other, as the online step's lock does).
   */
  locks: Map<string, VersionLock>
}

export interface VersionLock {
  /** The package taken at the version of `to`, e.g. nvidia-fabricmanager-535. */
  package: string
  /** The package whose version it follows, e.g. the driver package nvidia-headless-no-dkms-535-server. */
  to: string
  /** What the lock is, for the message when no version matches. */
  why: string
}

export interface PythonNeed {
  baseUrl: string
  version: string
  release: string
  asset: string
  pinned: string
}

export interface PayloadNeeds {
  apt: Map<string, AptNeed>
  python: Map<string, PythonNeed>
  /** PEP 503 index of the venvs and the Python version their wheels must suit, when any node has venvs. */
  wheels: { index: string; pythonVersion: string; packages: string[] } | null
  /** Image reference -> where it is pulled from (a mirror, or itself). */
  images: Map<string, string>
  ca: string[]
}

const stepOf = <V>(plan: NodePlan, id: string): Step<V & Record<string, unknown>> | undefined =>
  plan.steps.find((s) => s.id === id) as Step<V & Record<string, unknown>> | undefined

/** `base`: the release of the nodes' base image when it is not the OS target's (a `--base-root`). */
export function payloadNeeds(plans: Iterable<NodePlan>, base: Release | null): PayloadNeeds {
  const needs: PayloadNeeds = { apt: new Map(), python: new Map(), wheels: null, images: new Map(), ca: [] }
  for (const plan of plans) {
    const t = osTarget(plan.target.id)
    const release: Release = base ?? { id: t.osReleaseId, version: t.version, codename: t.codename }
    const repo = `${release.id}-${release.codename}`
    let apt = needs.apt.get(repo)
    if (!apt) {
      apt = { repo, release, archive: plan.mirrors.apt ?? '', sources: new Map(), packages: new Set(), locks: new Map() }
      needs.apt.set(repo, apt)
    }
    for (const pem of plan.mirrors.ca_certificates) if (!needs.ca.includes(pem)) needs.ca.push(pem)
    const add = (...names: string[]): void => names.forEach((n) => apt!.packages.add(n))
    const packages = stepOf<PackagesVars>(plan, 'packages')
    if (packages) add(...packages.vars.install)
    if (stepOf(plan, 'nfs-server')) add('nfs-kernel-server')
    const docker = stepOf<DockerVars>(plan, 'docker')
    if (docker) {
      const v = docker.vars
      const url = v.repo || `${v.upstream}/${release.id}`
      add(...v.packages)
      apt.sources.set('docker', { name: 'docker', line: `${url} ${release.codename} stable`, keyUrl: v.keyUrl || `${url}/gpg`, fingerprint: v.fingerprint })
    }
    const driver = stepOf<NvidiaDriverVars>(plan, 'nvidia-driver')
    if (driver && !driver.vars.gpgpu) {
      // The package, nvidia-smi, and without DKMS the prebuilt modules of the base image's kernels (the generic one's
      // when no base image is given).
      add(driver.vars.package, `nvidia-utils-${driver.vars.branch}`)
      if (!driver.vars.dkms) {
        const kernels = base?.kernels?.length ? base.kernels : ['generic']
        add(...kernels.map((k) => `linux-modules-nvidia-${driver.vars.branch}-${k}`))
      }
    }
    const fm = stepOf<NvidiaFabricManagerVars>(plan, 'nvidia-fabricmanager')
    if (fm) {
      const pkg = `nvidia-fabricmanager-${fm.vars.branch}`
      add(pkg, 'pciutils')
      // The driver's exact version (its package's upstream version); with ubuntu-drivers (refused offline) no package.
      if (driver && !driver.vars.gpgpu) apt.locks.set(pkg, { package: pkg, to: driver.vars.package, why: 'Fabric Manager must match the driver exactly' })
    }
    if (stepOf(plan, 'nvidia-rdma')) add('rdma-core', 'ibverbs-utils', 'infiniband-diags')
    const cuda = stepOf<NvidiaCudaVars>(plan, 'nvidia-cuda')
    if (cuda) {
      const v = cuda.vars
      const distro = base ? `${release.id}${release.version.replace(/\./g, '')}` : v.distro
      const url = `${v.repo}/${distro}/x86_64`
      add(v.package)
      if (stepOf(plan, 'nvidia-dcgm')) add('datacenter-gpu-manager')
      apt.sources.set('cuda', { name: 'cuda', line: `${url}/ /`, keyUrl: v.keyUrl || `${url}/${v.keyFile}`, fingerprint: v.fingerprint })
    }
    const toolkit = stepOf<NvidiaToolkitVars>(plan, 'nvidia-toolkit')
    if (toolkit) {
      const v = toolkit.vars
      add('nvidia-container-toolkit')
      apt.sources.set('nvidia-toolkit', { name: 'nvidia-toolkit', line: `${v.repo}/stable/deb/amd64/ /`, keyUrl: v.keyUrl || `${v.repo}/gpgkey`, fingerprint: v.fingerprint })
    }
    const python = stepOf<PythonVars>(plan, 'python')
    if (python && python.vars.method === 'static') {
      const v = python.vars
      const asset = pbsAsset(v.version, v.release, 'x86_64')
      needs.python.set(`${v.release}/${asset}`, { baseUrl: v.baseUrl, version: v.version, release: v.release, asset, pinned: v.sha256x86 })
      if (stepOf(plan, 'venvs') && !needs.wheels) {
        needs.wheels = { index: (plan.mirrors.pypi ?? UPSTREAM.pypi).replace(/\/+$/, ''), pythonVersion: v.version, packages: ['pip', 'setuptools', 'wheel'] }
      }
    }
    const images = stepOf<ImagesVars>(plan, 'images')
    if (images) images.vars.images.forEach((ref, i) => needs.images.set(ref, images.vars.sources[i]!))
  }
  return needs
}
