// NoCloud seed ISOs of a node: autoinstall.iso from autoinstall/, cloud-init.iso from cloud-init/, written by our
// own ISO 9660 writer (volume label cidata, Joliet + Rock Ridge). Files that hold a password hash keep mode 0600
// inside the image, and the image file itself is 0600 then. The images are small (a few hundred KiB at most), so
// each is made in memory from the rendered texts and written with them, instead of reading the staged files back.
import type { ExtraFile, StageHook } from './output-dir.js'
import { isoToBuffer, type IsoEntry } from './iso9660/index.js'

export const SEED_FOLDERS = ['autoinstall', 'cloud-init'] as const

export function seedIsoHook(epoch: number): StageHook {
  return async (node) => {
    const images: ExtraFile[] = []
    for (const folder of SEED_FOLDERS) {
      const inside = node.artifacts.filter((a) => a.path.startsWith(`${folder}/`))
      const entries: IsoEntry[] = inside.map((a) => ({
        type: 'file',
        path: a.path.slice(folder.length + 1),
        content: a.content,
        mode: a.mode & 0o666,
      }))
      const secret = inside.some((a) => (a.mode & 0o077) === 0)
      images.push({ path: `${folder}.iso`, data: await isoToBuffer({ entries, epoch, volumeId: 'cidata' }), mode: secret ? 0o600 : 0o644 })
    }
    return images
  }
}
