// Page section "가속기 설정하기", corrected by the reference: nvidia-docker2 is obsolete. Driver (pinned package or
// ubuntu-drivers) then one reboot, CUDA from NVIDIA's repository, NVIDIA Container Toolkit with the `nvidia` runtime
// registered in Docker, then a health check. Both NVIDIA repositories may come from mirrors; their signing keys are
// checked against the fingerprints pinned in the profile.
import type { StepDef } from '../step-def.js'
import { cudaRepo, nvidiaToolkitRepo, pinnedFingerprint, UPSTREAM } from '../node-mirrors.js'

const on = (ctx: Parameters<StepDef['applies']>[0]): boolean => ctx.settings.nvidia.enabled

export const nvidiaDriverStep: StepDef = {
  id: 'nvidia-driver',
  title: 'Install the NVIDIA driver',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: on,
  vars: (ctx) => ({
    method: ctx.settings.nvidia.driver.method,
    package: ctx.settings.nvidia.driver.package,
    reboot: ctx.settings.nvidia.reboot,
  }),
  fetches: (ctx) => {
    const d = ctx.settings.nvidia.driver
    const what = d.method === 'package' ? d.package : 'ubuntu-drivers-common and the driver it picks'
    return [`apt ${ctx.plan.aptMirror ?? "the node's apt sources"}: ${what}`]
  },
}

export const nvidiaCudaStep: StepDef = {
  id: 'nvidia-cuda',
  title: 'Install CUDA from NVIDIA\'s repository',
  network: true,
  rootable: false,
  settings: ['nvidia'],
  applies: (ctx) => on(ctx) && ctx.settings.nvidia.cuda.enabled,
  vars: (ctx) => ({
    package: ctx.settings.nvidia.cuda.package,
    repo: cudaRepo(ctx.plan.mirrors),
    keyUrl: ctx.plan.mirrors.cuda_apt_key ?? '',
    keyFile: UPSTREAM.cudaKeyFile,
    fingerprint: pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint),
  }),
  fetches: (ctx) => {
    const repo = `${cudaRepo(ctx.plan.mirrors)}/<distro>/<arch>/`
    const fp = pinnedFingerprint(ctx.settings.nvidia.cuda.key_fingerprint)
    return [
      `key ${ctx.plan.mirrors.cuda_apt_key ?? repo + UPSTREAM.cudaKeyFile}${fp ? ` (fingerprint ${fp})` : ''}`,
      `apt ${repo}: ${ctx.settings.nvidia.cuda.package}`,
    ]
  },
}

export const nvidiaToolkitStep: StepDef = {
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
      `apt ${repo}/stable/deb/<arch>/: nvidia-container-toolkit`,
    ]
  },
}

export const nvidiaCheckStep: StepDef = {
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
}
