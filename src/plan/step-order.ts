// The order of provisioning steps, declared once. Steps that need no network come first, so a node without network
// still gets its account, limits, kernel parameters, hosts block and storage entries.
import type { StepDef } from './step-def.js'
import { userStep } from './steps/user.js'
import { limitsStep } from './steps/limits.js'
import { sysctlStep } from './steps/sysctl.js'
import { hostsStep } from './steps/hosts.js'
import { storageStep, mountsStep } from './steps/storage.js'
import { nfsServerStep } from './steps/nfs-server.js'
import { packagesStep } from './steps/packages.js'
import { dockerStep } from './steps/docker.js'
import { pythonStep } from './steps/python.js'
import { venvsStep } from './steps/venvs.js'
import {
  nvidiaDriverStep, nvidiaFabricManagerStep, nvidiaPersistenceStep, nvidiaMigStep, nvidiaCudaStep, nvidiaToolkitStep,
  nvidiaDcgmStep, nvidiaRdmaStep, nvidiaCheckStep,
} from './steps/nvidia.js'
import { imagesStep } from './steps/images.js'

export const STEP_ORDER: readonly StepDef<object>[] = [
  userStep,
  limitsStep,
  sysctlStep,
  hostsStep,
  storageStep,
  packagesStep,
  nfsServerStep,
  mountsStep,
  dockerStep,
  pythonStep,
  venvsStep,
  nvidiaDriverStep,
  nvidiaFabricManagerStep,
  nvidiaPersistenceStep,
  nvidiaMigStep,
  nvidiaCudaStep,
  nvidiaToolkitStep,
  nvidiaDcgmStep,
  nvidiaRdmaStep,
  imagesStep,
  // The readiness gate last: a container started through the nvidia runtime needs a pre-pulled image.
  nvidiaCheckStep,
]
