// Page section "가속기 설정하기", corrected by the reference (nvidia-docker2 is obsolete) and made fit for GPU servers:
// the server driver branch headless (ubuntu-drivers --gpgpu, or the pinned package), one reboot, Fabric Manager at the
// driver's exact version on NVSwitch boards, persistence, an optional MIG layout applied at every boot, CUDA from
// NVIDIA's repository (pinned so that it never replaces the driver), the Container Toolkit, optional DCGM and RDMA, and
// nvidia-check as the one readiness gate. Both NVIDIA repositories may come from mirrors; their signing keys are
// checked against the fingerprints pinned in the profile.
import { defineStep, type PlanContext } from '../step-def.js'
import { osTarget } from '../../targets/os-targets.js'
import { nvidiaChoice, type NvidiaChoice } from '../../model/nvidia-choice.js'
import { SHARED_PATHS } from '../../model/shared-names.js'
import { cudaRepo, nvidiaToolkitRepo, pinnedFingerprint, UPSTREAM } from '../node-mirrors.js'
import { cudaRepoArch, debArch } from '../arch-names.js'
import { payloadAptFetch } from '../offline-plan.js'

/** The node's driver and CUDA choice on its target. */
export function nodeNvidia(ctx: PlanContext): NvidiaChoice {
  return nvidiaChoice(ctx.settings.nvidia, ctx.plan.target.id)
}

const on = (ctx: PlanContext): boolean => ctx.settings.nvidia.enabled

/** MIG layout as `INDEX PROFILE,PROFILE` lines (INDEX a GPU index or `all`), in a stable order. */
export function migLayoutLines(ctx: PlanContext): string[] {
  const layout = ctx.settings.nvidia.mig.layout
  return Object.keys(layout)
    .sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : Number(a) - Number(b)))
    .map((k) => `${k} ${layout[k]!.join(',')}`)
}

/**
 * The image nvidia-check starts through the nvidia runtime: the setting, or the first pre-pulled CUDA image (else the
 * first image; '' when none).
 */
export function checkImage(ctx: PlanContext): string {
  const n = ctx.settings.nvidia
  if (n.check_image !== 'auto') return n.check_image
  const images = ctx.settings.images
  const pull = images.enabled ? images.pull : []
  return pull.find((ref) => /cuda/i.test(ref)) ?? pull[0] ?? ''
}

export interface NvidiaDriverVars {
  /** Method ubuntu-drivers: `ubuntu-drivers install --gpgpu` (else the package with apt). */
  gpgpu: boolean
  /** ubuntu-drivers: its --gpgpu argument (nvidia:570-server); package: the apt package. */
  package: string
  /** The branch as Ubuntu's package names carry it (570-server): nvidia-utils-<branch>, linux-modules-nvidia-<branch>-*. */
  branch: string
  dkms: boolean
  reboot: boolean
}

export const nvidiaDriverStep = defineStep<NvidiaDriverVars>({
  id: 'nvidia-driver',
  title: 'Install the NVIDIA server driver (headless) and nvidia-smi',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: on,
  // DKMS builds on a slow machine; the prebuilt modules take minutes.
  expect: () => 30 * 60,
  vars: (ctx) => {
    const c = nodeNvidia(ctx)
    const d = ctx.settings.nvidia.driver
    return {
      gpgpu: d.method === 'ubuntu-drivers',
      package: c.install,
      branch: c.branch?.name ?? '',
      dkms: d.method === 'package' && d.dkms,
      reboot: ctx.settings.nvidia.reboot,
    }
  },
  resolves: (_ctx, vars) => ({ 'nvidia.driver.package': vars.package }),
  ignores: (ctx): Record<string, string> =>
    ctx.settings.nvidia.driver.method === 'ubuntu-drivers' && ctx.settings.nvidia.driver.dkms
      ? { 'nvidia.driver.dkms': 'ubuntu-drivers --gpgpu chooses the kernel modules itself; use method package for DKMS' }
      : {},
  notes: (ctx) => {
    const d = ctx.settings.nvidia.driver
    return d.method === 'package' && d.dkms
      ? ['DKMS builds the kernel modules: with Secure Boot on, the module key needs MOK enrolment at the console (nvidia-check says so)']
      : []
  },
  fetches: (ctx) => [`apt ${ctx.plan.mirrors.apt ?? "the node's apt sources"}: ${driverPackages(ctx)}`],
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, driverPackages(ctx))],
})

/** The driver step's packages as `plan` names them. */
function driverPackages(ctx: PlanContext): string {
  const c = nodeNvidia(ctx)
  const d = ctx.settings.nvidia.driver
  const utils = `nvidia-utils-${c.branch?.name ?? ''}`
  return d.method === 'ubuntu-drivers'
    ? `ubuntu-drivers-common, what ubuntu-drivers install --gpgpu ${c.install} picks, ${utils}`
    : `${c.install}, ${utils}${d.dkms ? '' : `, linux-modules-nvidia-${c.branch?.name ?? ''} of the running kernel`}`
}

export interface NvidiaFabricManagerVars {
  /** auto: only when NVSwitch devices are on the PCI bus; on: always. */
  mode: 'auto' | 'on'
  /** The driver branch number: Fabric Manager's package is nvidia-fabricmanager-<number>. */
  branch: string
}

export const nvidiaFabricManagerStep = defineStep<NvidiaFabricManagerVars>({
  id: 'nvidia-fabricmanager',
  title: 'Install Fabric Manager where NVSwitches are',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.fabric_manager !== false,
  vars: (ctx) => ({
    mode: ctx.settings.nvidia.fabric_manager === true ? 'on' : 'auto',
    branch: String(nodeNvidia(ctx).branch?.number ?? ''),
  }),
  resolves: (_ctx, vars) => ({ 'nvidia.fabric_manager': vars.mode }),
  fetches: (ctx) => [`apt ${ctx.plan.mirrors.apt ?? "the node's apt sources"}: ${fabricManagerPackage(ctx)}`],
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, fabricManagerPackage(ctx))],
})

function fabricManagerPackage(ctx: PlanContext): string {
  const when = ctx.settings.nvidia.fabric_manager === true ? '' : ' (only when NVSwitch devices are present)'
  return `nvidia-fabricmanager-${nodeNvidia(ctx).branch?.number ?? ''} at the driver's version${when}`
}

export const nvidiaPersistenceStep = defineStep<Record<string, never>>({
  id: 'nvidia-persistence',
  title: 'Turn GPU persistence mode on',
  // Downloads nothing itself, but needs the driver that a network step installs (so it runs among the network steps).
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.persistence,
  vars: () => ({}),
})

export interface NvidiaMigVars {
  /** `INDEX PROFILE,PROFILE` lines. */
  layout: string[]
  script: string
  unit: string
}

export const nvidiaMigStep = defineStep<NvidiaMigVars>({
  id: 'nvidia-mig',
  title: 'Apply the MIG layout at every boot, before Docker and the Backend.AI agent',
  // Downloads nothing itself, but needs the driver that a network step installs (so it runs among the network steps).
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.mig.enabled,
  vars: (ctx) => ({ layout: migLayoutLines(ctx), script: SHARED_PATHS.migScript, unit: SHARED_PATHS.migUnit }),
})

export interface NvidiaCudaVars {
  package: string
  /** NVIDIA's CUDA repository folder of the target (ubuntu2004 ...). */
  distro: string
  repo: string
  keyUrl: string
  keyFile: string
  fingerprint: string
}

export const nvidiaCudaStep = defineStep<NvidiaCudaVars>({
  id: 'nvidia-cuda',
  title: 'Install CUDA (pinned off the driver packages)',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.cuda.enabled,
  // The toolkit is several GiB.
  expect: () => 45 * 60,
  vars: (ctx) => ({
    package: nodeNvidia(ctx).cuda,
    distro: osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro,
    repo: cudaRepo(ctx.plan.mirrors),
    keyUrl: ctx.plan.mirrors.cuda_apt_key ?? '',
    keyFile: UPSTREAM.cudaKeyFile,
    fingerprint: pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint),
  }),
  resolves: (_ctx, vars) => ({ 'nvidia.cuda.package': vars.package }),
  fetches: (ctx) => {
    const repo = `${cudaRepo(ctx.plan.mirrors)}/${osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro}/${cudaRepoArch(ctx.plan.target.arch)}/`
    const fp = pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint)
    return [
      `key ${ctx.plan.mirrors.cuda_apt_key ?? repo + UPSTREAM.cudaKeyFile}${fp ? ` (fingerprint ${fp})` : ''}`,
      `apt ${repo}: ${nodeNvidia(ctx).cuda}`,
    ]
  },
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, nodeNvidia(ctx).cuda)],
})

export interface NvidiaToolkitVars {
  repo: string
  keyUrl: string
  fingerprint: string
}

export const nvidiaToolkitStep = defineStep<NvidiaToolkitVars>({
  id: 'nvidia-toolkit',
  title: 'Install NVIDIA Container Toolkit for Docker',
  network: true,
  rootable: false,
  settings: ['nvidia', 'docker'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.container_toolkit.enabled,
  vars: (ctx) => ({
    repo: nvidiaToolkitRepo(ctx.plan.mirrors),
    keyUrl: ctx.plan.mirrors.nvidia_toolkit_apt_key ?? '',
    fingerprint: pinnedFingerprint(ctx.settings.nvidia.container_toolkit.key_fingerprint),
  }),
  fetches: (ctx) => {
    const repo = nvidiaToolkitRepo(ctx.plan.mirrors)
    const fp = pinnedFingerprint(ctx.settings.nvidia.container_toolkit.key_fingerprint)
    return [
      `key ${ctx.plan.mirrors.nvidia_toolkit_apt_key ?? `${repo}/gpgkey`}${fp ? ` (fingerprint ${fp})` : ''}`,
      `apt ${repo}/stable/deb/${debArch(ctx.plan.target.arch)}/: nvidia-container-toolkit`,
    ]
  },
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, 'nvidia-container-toolkit')],
})

export const nvidiaDcgmStep = defineStep<Record<string, never>>({
  id: 'nvidia-dcgm',
  title: 'Install NVIDIA DCGM (datacenter-gpu-manager)',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.dcgm.enabled && ctx.settings.nvidia.cuda.enabled,
  vars: () => ({}),
  fetches: (ctx) => [`apt ${cudaRepo(ctx.plan.mirrors)}/${osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro}/${cudaRepoArch(ctx.plan.target.arch)}/: datacenter-gpu-manager`],
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, 'datacenter-gpu-manager')],
})

export const nvidiaRdmaStep = defineStep<Record<string, never>>({
  id: 'nvidia-rdma',
  title: 'Load nvidia-peermem at boot and install the RDMA tools',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.rdma,
  vars: () => ({}),
  fetches: (ctx) => [`apt ${ctx.plan.mirrors.apt ?? "the node's apt sources"}: rdma-core, ibverbs-utils, infiniband-diags`],
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, 'rdma-core, ibverbs-utils, infiniband-diags')],
})

export interface NvidiaCheckVars {
  /** Docker's nvidia runtime is registered: a container must see every GPU. */
  docker: boolean
  /** The CUDA package ('' without CUDA): libcudart must be on the loader path; its version goes into the status. */
  cuda: string
  /** GPUs expected (0: at least one). */
  gpus: number
  fabricManager: 'auto' | 'on' | 'off'
  persistence: boolean
  /** The MIG layout lines (empty: no MIG). */
  mig: string[]
  dcgm: boolean
  dkms: boolean
  /** Image started through the nvidia runtime ('' when there is none: that check is skipped with a warning). */
  image: string
  migUnit: string
}

export const nvidiaCheckStep = defineStep<NvidiaCheckVars>({
  id: 'nvidia-check',
  title: 'Readiness gate: every GPU up and usable in a container',
  // Needs no download itself, but checks what the network steps before it installed.
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: on,
  vars: (ctx) => {
    const n = ctx.settings.nvidia
    const docker = ctx.settings.docker.enabled && n.container_toolkit.enabled
    return {
      docker,
      cuda: n.cuda.enabled ? nodeNvidia(ctx).cuda : '',
      gpus: n.gpus,
      fabricManager: n.fabric_manager === true ? 'on' : n.fabric_manager === false ? 'off' : 'auto',
      persistence: n.persistence,
      mig: n.mig.enabled ? migLayoutLines(ctx) : [],
      dcgm: n.dcgm.enabled && n.cuda.enabled,
      dkms: n.driver.method === 'package' && n.driver.dkms,
      image: docker ? checkImage(ctx) : '',
      migUnit: SHARED_PATHS.migUnit,
    }
  },
  resolves: (ctx, vars): Record<string, string> => (ctx.settings.docker.enabled && ctx.settings.nvidia.container_toolkit.enabled ? { 'nvidia.check_image': vars.image } : {}),
  notes: (ctx) =>
    ctx.settings.docker.enabled && ctx.settings.nvidia.container_toolkit.enabled && checkImage(ctx) === ''
      ? ['no image to start through the nvidia runtime (nvidia.check_image is auto and images.pull is empty): that check is skipped']
      : [],
})
