// NoCloud seed ISOs of a node: autoinstall.iso from autoinstall/, cloud-init.iso from cloud-init/, written by our
// own ISO 9660 writer (volume label cidata, Joliet + Rock Ridge). Files that hold a password hash keep mode 0600
// inside the image, and the image file itself is 0600 then. The images are small (a few hundred KiB at most), so
// each is made in memory from the rendered texts and written with them, instead of reading staged files back.
import type { NodeOutput } from '../model/artifact.js'
import { artifactBytes } from './artifact-bytes.js'
import { isoToBuffer, type IsoEntry } from '../iso9660/index.js'
import { fileMode, isSecretMode } from './file-mode.js'

export const SEED_FOLDERS = ['autoinstall', 'cloud-init'] as const

export interface SeedImage {
  /** Path inside the node's folder: autoinstall.iso, cloud-init.iso. */
  path: string
  data: Uint8Array
  mode: number
}

/** `encoded`: the artifacts' UTF-8 bytes by path, when the caller has them already. */
export async function seedIsoFiles(node: NodeOutput, epoch: number, encoded?: ReadonlyMap<string, Uint8Array>): Promise<SeedImage[]> {
  const images: SeedImage[] = []
  for (const folder of SEED_FOLDERS) {
    const inside = node.artifacts.filter((a) => a.path.startsWith(`${folder}/`))
    const entries: IsoEntry[] = inside.map((a) => ({
      type: 'file',
      path: a.path.slice(folder.length + 1),
      content: encoded?.get(a.path) ?? artifactBytes(a),
      mode: a.mode & 0o666,
    }))
    const secret = inside.some((a) => isSecretMode(a.mode))
    images.push({ path: `${folder}.iso`, data: await isoToBuffer({ entries, epoch, volumeId: 'cidata' }), mode: fileMode(secret) })
  }
  return images
}
