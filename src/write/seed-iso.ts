// NoCloud seed ISOs of a staged node folder: autoinstall.iso from autoinstall/, cloud-init.iso from cloud-init/.
// TEMPORARY: no ISO until the iso branch lands.
import type { StageHook } from './output-dir.js'

export function seedIsoHook(_epoch: number): StageHook {
  return async () => {}
}
