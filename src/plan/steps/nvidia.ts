// Page section "가속기 설정하기", corrected by the reference: nvidia-docker2 is obsolete. Driver (pinned package or
// ubuntu-drivers) then one reboot, CUDA from NVIDIA's repository, NVIDIA Container Toolkit with the `nvidia` runtime
// registered in Docker, then a health check. Both NVIDIA repositories may come from mirrors; their signing keys are
// checked against the fingerprints pinned in the profile.
import { defineStep, type PlanContext } from '../step-def.js'
import { osTarget } from '../../targets/os-targets.js'
import { cudaRepo, nvidiaToolkitRepo, pinnedFingerprint, UPSTREAM } from '../node-mirrors.js'
import { cudaRepoArch, debArch } from '../arch-names.js'

/** The driver and CUDA packages of a node: `auto` takes the target's default pair. */
function nvidiaPackages(ctx: PlanContext): { driver: string; cuda: string } {
  const pair = osTarget(ctx.plan.target.id).nvidia
  const n = ctx.settings.nvidia
  return {
    driver: n.driver.package === 'auto' ? pair.driverPackage : n.driver.package,
    cuda: n.cuda.package === 'auto' ? pair.cudaPackage : n.cuda.package,
  }
}

const on = (ctx: PlanContext): boolean => ctx.settings.nvidia.enabled

export interface NvidiaDriverVars {
  method: 'package' | 'ubuntu-drivers'
  package: string
  reboot: boolean
}

export const nvidiaDriverStep = defineStep<NvidiaDriverVars>({
  id: 'nvidia-driver',
  title: 'Install the NVIDIA driver',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: on,
  // DKMS builds on a slow machine; the prebuilt modules take minutes.
  expect: () => 30 * 60,
  vars: (ctx) => ({
    method: ctx.settings.nvidia.driver.method,
    package: nvidiaPackages(ctx).driver,
    reboot: ctx.settings.nvidia.reboot,
  }),
  fetches: (ctx) => {
    const d = ctx.settings.nvidia.driver
    const what = d.method === 'package' ? nvidiaPackages(ctx).driver : 'ubuntu-drivers-common and the driver it picks'
    return [`apt ${ctx.plan.mirrors.apt ?? "the node's apt sources"}: ${what}`]
  },
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
  title: 'Install CUDA from NVIDIA\'s repository',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.cuda.enabled,
  // The toolkit is several GiB.
  expect: () => 45 * 60,
  vars: (ctx) => ({
    package: nvidiaPackages(ctx).cuda,
    distro: osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro,
    repo: cudaRepo(ctx.plan.mirrors),
    keyUrl: ctx.plan.mirrors.cuda_apt_key ?? '',
    keyFile: UPSTREAM.cudaKeyFile,
    fingerprint: pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint),
  }),
  fetches: (ctx) => {
    const repo = `${cudaRepo(ctx.plan.mirrors)}/${osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro}/${cudaRepoArch(ctx.plan.target.arch)}/`
    const fp = pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint)
    return [
      `key ${ctx.plan.mirrors.cuda_apt_key ?? repo + UPSTREAM.cudaKeyFile}${fp ? ` (fingerprint ${fp})` : ''}`,
      `apt ${repo}: ${nvidiaPackages(ctx).cuda}`,
    ]
  },
})

export interface NvidiaToolkitVars {
  repo: string
  keyUrl: string
  fingerprint: string
}

export const nvidiaToolkitStep = defineStep<NvidiaToolkitVars>({
  id: 'nvidia-toolkit',
  title: 'Install NVIDIA Container Toolkit and register the nvidia runtime',
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
})

export interface NvidiaCheckVars {
  docker: boolean
  cuda: boolean
}

export const nvidiaCheckStep = defineStep<NvidiaCheckVars>({
  id: 'nvidia-check',
  title: 'Check the GPU stack (nvidia-smi, Docker nvidia runtime)',
  // Needs no download itself, but checks what the network steps before it installed.
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: on,
  vars: (ctx) => ({
    docker: ctx.settings.docker.enabled && ctx.settings.nvidia.container_toolkit.enabled,
    cuda: ctx.settings.nvidia.cuda.enabled,
  }),
})
