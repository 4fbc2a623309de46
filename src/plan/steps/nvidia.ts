// Page section "가속기 설정하기", corrected by the reference: nvidia-docker2 is obsolete. Driver (pinned package or
// ubuntu-drivers) then one reboot, CUDA from NVIDIA's repository, NVIDIA Container Toolkit with the `nvidia` runtime
// registered in Docker, then a health check.
import { defineStep, type PlanContext } from '../step-def.js'
import { SHARED_PATHS } from '../../model/shared-names.js'
import { osTarget } from '../../targets/os-targets.js'

/** The driver and CUDA packages of a node: `auto` takes the target's default pair. */
export function nvidiaPackages(ctx: PlanContext): { driver: string; cuda: string } {
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
  vars: (ctx) => ({
    method: ctx.settings.nvidia.driver.method,
    package: nvidiaPackages(ctx).driver,
    reboot: ctx.settings.nvidia.reboot,
  }),
})

export interface NvidiaCudaVars {
  package: string
  cache: string
  /** NVIDIA's CUDA repository folder of the target (ubuntu2004 ...). */
  distro: string
}

export const nvidiaCudaStep = defineStep<NvidiaCudaVars>({
  id: 'nvidia-cuda',
  title: 'Install CUDA from NVIDIA\'s repository',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.cuda.enabled,
  vars: (ctx) => ({
    package: nvidiaPackages(ctx).cuda,
    cache: SHARED_PATHS.cacheDir,
    distro: osTarget(ctx.plan.target.id).nvidia.cudaRepoDistro,
  }),
})

export type NvidiaToolkitVars = Record<string, never>

export const nvidiaToolkitStep = defineStep<NvidiaToolkitVars>({
  id: 'nvidia-toolkit',
  title: 'Install NVIDIA Container Toolkit and register the nvidia runtime',
  network: true,
  rootable: false,
  settings: ['nvidia', 'docker'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.container_toolkit.enabled,
  vars: () => ({}),
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
