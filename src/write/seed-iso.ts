// NoCloud seed ISOs of a staged node folder: autoinstall.iso from autoinstall/, cloud-init.iso from cloud-init/,
// written by our own ISO 9660 writer (volume label cidata, Joliet + Rock Ridge). Files that hold a password hash
// keep mode 0600 inside the image, and the image file itself is 0600 then.
import { chmod, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { StageHook } from './output-dir.js'
import { writeIso, type IsoEntry } from './iso9660/index.js'

export const SEED_FOLDERS = ['autoinstall', 'cloud-init'] as const

export function seedIsoHook(epoch: number): StageHook {
  return async (nodeDir, node) => {
    for (const folder of SEED_FOLDERS) {
      const inside = node.artifacts.filter((a) => a.path.startsWith(`${folder}/`))
      const entries: IsoEntry[] = inside.map((a) => ({
        type: 'file',
        path: a.path.slice(folder.length + 1),
        source: join(nodeDir, ...a.path.split('/')),
        mode: a.mode & 0o666,
      }))
      const outFile = join(nodeDir, `${folder}.iso`)
      await writeIso({ entries, outFile, epoch, volumeId: 'cidata' })
      const secret = inside.some((a) => (a.mode & 0o077) === 0)
      await chmod(outFile, secret ? 0o600 : 0o644)
      await utimes(outFile, epoch, epoch)
    }
  }
}
