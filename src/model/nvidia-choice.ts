// What a node's nvidia settings come to on its OS target: the driver branch and what the driver step installs, the
// CUDA package and its release. One function, so that validation, the plan and the script agree on every `auto`.
import type { NvidiaSettings } from './settings.js'
import { cudaVersionOf, driverBranchOf, osTarget, type DriverBranch, type TargetId } from '../targets/os-targets.js'

export interface NvidiaChoice {
  /** The driver package the settings name (auto resolved); its name gives the branch. */
  package: string
  /** undefined when the package name does not say its branch (a validation error). */
  branch: DriverBranch | undefined
  /** What the driver step hands its installer: `nvidia:<branch>` for ubuntu-drivers, the package for apt. */
  install: string
  cuda: string
  /** The CUDA release of the CUDA package (12.8), when its name says. */
  cudaVersion: string | undefined
}

export function nvidiaChoice(n: NvidiaSettings, target: TargetId): NvidiaChoice {
  const t = osTarget(target).nvidia
  const pkg =
    n.driver.package !== 'auto'
      ? n.driver.package
      : n.driver.method === 'package' && n.driver.dkms
        ? `nvidia-headless-${t.driverBranch}-server`
        : `nvidia-headless-no-dkms-${t.driverBranch}-server`
  const branch = driverBranchOf(pkg)
  const cuda = n.cuda.package === 'auto' ? t.cudaPackage : n.cuda.package
  return {
    package: pkg,
    branch,
    install: n.driver.method === 'ubuntu-drivers' && branch ? `nvidia:${branch.name}` : pkg,
    cuda,
    cudaVersion: cudaVersionOf(cuda),
  }
}

/** CUDA packages that depend on NVIDIA's driver packages (cuda, cuda-X-Y, cuda-runtime-X-Y, cuda-drivers*). */
export function cudaPullsDriver(pkg: string): boolean {
  return /^(cuda|cuda-drivers.*|cuda-\d+-\d+|cuda-runtime-\d+-\d+)(=.*)?$/.test(pkg)
}
