// NoCloud seed ISOs of a staged node folder: autoinstall.iso from autoinstall/, cloud-init.iso from cloud-init/.
// Minimal wiring of the native writer so that the benchmark measures a render with ISOs; the lead's version on
// main replaces this file.
import { join } from 'node:path'
import type { StageHook } from './output-dir.js'
import { writeIso } from './iso9660/index.js'

export const SEED_FOLDERS = ['autoinstall', 'cloud-init'] as const

export function seedIsoHook(epoch: number): StageHook {
  return async (stagedNodeDir) => {
    for (const folder of SEED_FOLDERS) {
      await writeIso({ sourceDir: join(stagedNodeDir, folder), outFile: join(stagedNodeDir, `${folder}.iso`), epoch })
    }
  }
}
