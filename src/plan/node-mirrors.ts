// Where a node downloads from: the cluster's `mirrors` with the node's own `mirrors` on top (each key replaces the
// cluster's; `registries` merge per registry host), the upstream defaults, and the pull source of each image.
import type { Mirrors, NodeEntry, Inventory } from '../model/inventory.js'

/** Upstream locations used when no mirror is set. */
export const UPSTREAM = {
  /** Docker's repository for the running distribution; the script appends the distribution id (ubuntu). */
  dockerApt: 'https://download.docker.com/linux',
  cudaApt: 'https://developer.download.nvidia.com/compute/cuda/repos',
  /** The CUDA repositories' signing key for Debian-based distributions, in each <distro>/<arch>/ folder. */
  cudaKeyFile: '3bf863cc.pub',
  nvidiaToolkitApt: 'https://nvidia.github.io/libnvidia-container',
  pypi: 'https://pypi.org/simple',
} as const

export function nodeMirrors(inventory: Inventory, node: NodeEntry): Mirrors {
  const own = node.mirrors ?? {}
  const merged: Mirrors = { ...inventory.mirrors, ...own }
  if (inventory.mirrors.registries || own.registries) {
    merged.registries = { ...inventory.mirrors.registries, ...own.registries }
  }
  return merged
}

const trim = (url: string): string => url.replace(/\/+$/, '')

/** Docker's apt repository as configured, or '' for upstream (the script then picks https://download.docker.com/linux/<ID>). */
export function dockerRepo(m: Mirrors): string {
  return m.docker_apt ? trim(m.docker_apt) : ''
}

export function cudaRepo(m: Mirrors): string {
  return trim(m.cuda_apt ?? UPSTREAM.cudaApt)
}

export function nvidiaToolkitRepo(m: Mirrors): string {
  return trim(m.nvidia_toolkit_apt ?? UPSTREAM.nvidiaToolkitApt)
}

/** The registry host of an image reference and its path there (Docker Hub: docker.io, library/ for single names). */
function splitImageRef(ref: string): { host: string; path: string } {
  const slash = ref.indexOf('/')
  const first = slash === -1 ? '' : ref.slice(0, slash)
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { host: first, path: ref.slice(slash + 1) }
  }
  return { host: 'docker.io', path: slash === -1 ? `library/${ref}` : ref }
}

/** Where `ref` is pulled from: the mirror for its registry host (`registries`), else `registry`, else `ref` itself. */
export function imageSource(ref: string, m: Mirrors): string {
  const { host, path } = splitImageRef(ref)
  const mirror = (m.registries && Object.hasOwn(m.registries, host) ? m.registries[host] : undefined) ?? m.registry
  return mirror ? `${trim(mirror)}/${path}` : ref
}

/** A pinned key fingerprint as gpg prints it (upper-case hex, no spaces), or '' when none is pinned. */
export function pinnedFingerprint(value: string | null | undefined): string {
  return value ? value.replace(/ /g, '').toUpperCase() : ''
}
