// What each upstream calls a node's architecture, so that `plan` shows the URL the script fetches on that node (the
// script finds the same names at run time: dpkg --print-architecture, uname -m).
import { ARCHITECTURES, type Architecture } from '../targets/os-targets.js'

/** Debian's name (Docker's and the Container Toolkit's apt repositories): amd64, arm64. */
export const debArch = (arch: Architecture): string => arch

/** The kernel's name (python-build-standalone assets): x86_64, aarch64. */
export const unameArch = (arch: Architecture): string => ARCHITECTURES[arch]

/** NVIDIA's CUDA repository folder: x86_64, sbsa for 64-bit Arm servers. */
export const cudaRepoArch = (arch: Architecture): string => (arch === 'arm64' ? 'sbsa' : ARCHITECTURES[arch])
