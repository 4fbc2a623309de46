// Remasters an Ubuntu live-server ISO natively: every file of the base image is kept (copied from the base image
// file in streaming chunks, never loaded whole), its boot menus are patched (boot-config.ts), the seed is added, and
// the boot structures are rebuilt for the new file positions. Layouts:
//   20.04  ISOLINUX El Torito entry (isolinux.bin, boot info table) + EFI entry (boot/grub/efi.img inside the ISO
//          tree), isohybrid MBR (partition 2, type EF, is the EFI image) and GPT, so that the file also boots from a
//          USB stick.
//   22.04/24.04 (GRUB El Torito + EFI image as an appended GPT partition): recognised and refused for now.
// Anything else is refused with what was found.
import { basename } from 'node:path'
import { SECTOR, readIso, readRange, type IsoFile, type IsoImage } from './read-iso.js'
import { bootCatalog, bootRecordDescriptor, patchBootInfoTable } from './el-torito.js'
import { bootConfigKind, patchGrubConfig, patchIsolinuxConfig } from './boot-config.js'
import { isohybridMbr } from './isohybrid-mbr.js'
import { GPT_BACKUP_BLOCKS, hybridGpt } from './hybrid-gpt.js'
import { layoutImage } from '../write/iso9660/layout.js'
import { writeImageFile } from '../write/iso9660/image-writer.js'
import { emptyDir, type IsoDirNode, type IsoFileNode } from '../write/iso9660/tree.js'

export class RemasterError extends Error {}

export interface BaseLayout {
  kind: '20.04'
  bios: IsoFile
  catalog: IsoFile | null
  efi: IsoFile
}

function fileAt(iso: IsoImage, lba: number): IsoFile | null {
  return (iso.entries.find((e) => e.type === 'file' && e.extent === lba && e.size > 0) as IsoFile | undefined) ?? null
}

/** Which of Ubuntu's layouts the base image has; a clear error for anything else. */
export function detectLayout(iso: IsoImage): BaseLayout {
  const what = `${iso.file} (volume ${JSON.stringify(iso.volumeId)})`
  if (!iso.boot) throw new RemasterError(`${what} has no El Torito boot catalog: not an Ubuntu live-server ISO`)
  const bios = iso.boot.entries.find((e) => e.platform === 0)
  const efi = iso.boot.entries.find((e) => e.platform === 0xef)
  const biosFile = bios ? fileAt(iso, bios.lba) : null
  const efiFile = efi ? fileAt(iso, efi.lba) : null
  const found = `BIOS boot image ${biosFile?.path ?? (bios ? `at sector ${bios.lba}` : 'none')}, EFI boot image ${efiFile?.path ?? (efi ? `at sector ${efi.lba}${efi.lba >= iso.volumeSectors ? ' (an appended partition)' : ''}` : 'none')}`
  if (biosFile && /(^|\/)isolinux\.bin$/.test(biosFile.path) && efiFile) {
    if (iso.systemArea.readUInt16LE(510) !== 0xaa55) throw new RemasterError(`${what}: ${found}, but no isohybrid MBR: not the 20.04 layout`)
    const catalog = fileAt(iso, iso.boot.catalogLba)
    return { kind: '20.04', bios: biosFile, catalog, efi: efiFile }
  }
  if (biosFile && /eltorito\.img$/.test(biosFile.path) && efi && efi.lba >= iso.volumeSectors) {
    throw new RemasterError(
      `${what}: the 22.04/24.04 layout (GRUB El Torito image, EFI image in an appended GPT partition) is not supported by this version; use the 20.04 live-server ISO`,
    )
  }
  throw new RemasterError(`${what}: unknown boot layout (${found}); expected Ubuntu 20.04's (isolinux/isolinux.bin + boot/grub/efi.img)`)
}

export interface RemasterInput {
  base: string
  outFile: string
  seed: { path: string; content: string; mode: number }[]
  epoch: number
}

export interface RemasterResult {
  layout: BaseLayout['kind']
  size: number
  /** Boot menus patched, with the number of entries in each. */
  patched: { path: string; entries: number }[]
  /** Symbolic links of the base image, which this writer does not record. */
  skippedSymlinks: string[]
  files: number
}

function dirAt(root: IsoDirNode, path: string): IsoDirNode {
  let dir = root
  if (path === '') return dir
  for (const part of path.split('/')) {
    const key = Buffer.from(part, 'utf8').toString('latin1')
    let next = dir.children.get(key)
    if (!next) {
      next = emptyDir(Buffer.from(part, 'utf8'))
      dir.children.set(key, next)
    }
    if (next.type !== 'directory') throw new RemasterError(`${path}: a file of the base image is in the way of a folder`)
    dir = next
  }
  return dir
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

function putFile(root: IsoDirNode, path: string, node: Omit<IsoFileNode, 'name' | 'type' | 'uid' | 'gid'>): IsoFileNode {
  const dir = dirAt(root, parentOf(path))
  const name = Buffer.from(basename(path), 'utf8')
  const file: IsoFileNode = { type: 'file', name, uid: 0, gid: 0, ...node }
  dir.children.set(name.toString('latin1'), file)
  return file
}

export async function remaster(input: RemasterInput): Promise<RemasterResult> {
  const iso = readIso(input.base)
  const layout = detectLayout(iso)
  const root = emptyDir(Buffer.alloc(0))
  const patched: RemasterResult['patched'] = []
  const skippedSymlinks: string[] = []
  const byPath = new Map<string, IsoFileNode>()
  let files = 0
  for (const e of iso.entries) {
    if (e.type === 'directory') dirAt(root, e.path).mode = e.mode
    else if (e.type === 'symlink') skippedSymlinks.push(`${e.path} -> ${e.target}`)
    else {
      files++
      const kind = bootConfigKind(e.path)
      if (kind) {
        const text = readRange(input.base, e.extent * SECTOR, e.size).toString('utf8')
        const result = kind === 'grub' ? patchGrubConfig(text) : patchIsolinuxConfig(text)
        if (result.entries > 0) patched.push({ path: e.path, entries: result.entries })
        const data = Buffer.from(result.text, 'utf8')
        byPath.set(e.path, putFile(root, e.path, { size: data.length, mode: e.mode, source: { kind: 'data', data } }))
      } else if (e === layout.bios || e === layout.catalog) {
        // Rewritten once the new positions are known.
        const data = e === layout.catalog ? Buffer.alloc(SECTOR) : readRange(input.base, e.extent * SECTOR, e.size)
        byPath.set(e.path, putFile(root, e.path, { size: data.length, mode: e.mode, source: { kind: 'data', data } }))
      } else {
        byPath.set(e.path, putFile(root, e.path, { size: e.size, mode: e.mode, source: { kind: 'slice', path: input.base, offset: e.extent * SECTOR } }))
      }
    }
  }
  if (!patched.some((p) => bootConfigKind(p.path) === 'isolinux') || !patched.some((p) => bootConfigKind(p.path) === 'grub')) {
    throw new RemasterError(
      `${input.base}: found no ${patched.length ? 'GRUB' : 'ISOLINUX or GRUB'} boot menu entries to patch (isolinux/*.cfg APPEND, boot/grub/grub.cfg linux)`,
    )
  }
  for (const f of input.seed) {
    const data = Buffer.from(f.content, 'utf8')
    putFile(root, f.path, { size: data.length, mode: f.mode, source: { kind: 'data', data } })
  }
  // A catalog the base image kept outside its file tree gets a file of its own.
  const catalogPath = layout.catalog?.path ?? 'isolinux/boot.cat'
  if (!layout.catalog) byPath.set(catalogPath, putFile(root, catalogPath, { size: SECTOR, mode: 0o444, source: { kind: 'data', data: Buffer.alloc(SECTOR) } }))

  // The backup GPT takes the last 63 blocks of 512 bytes: 16 sectors of 2048 after the files.
  const tailSectors = Math.ceil((GPT_BACKUP_BLOCKS * 512) / SECTOR)
  const planned = layoutImage(root, { volumeId: iso.volumeId, epoch: input.epoch, bootRecord: true, tailSectors })
  const extent = (path: string): number => {
    const node = byPath.get(path)
    const placed = planned.files.find((f) => f.node === node)
    if (!placed) throw new Error(`internal: ${path} was not placed`)
    return placed.extent
  }
  const biosLba = extent(layout.bios.path)
  const efiLba = extent(layout.efi.path)
  const catalogLba = extent(catalogPath)
  const biosNode = byPath.get(layout.bios.path)!
  if (biosNode.source.kind !== 'data') throw new Error('internal: boot image not in memory')
  patchBootInfoTable(biosNode.source.data, 16, biosLba)
  const catalog = byPath.get(catalogPath)!
  if (catalog.source.kind !== 'data') throw new Error('internal: catalog not in memory')
  bootCatalog([
    { platform: 0, sectorCount: 4, lba: biosLba },
    { platform: 0xef, sectorCount: Math.min(0xffff, Math.ceil(layout.efi.size / 512)), lba: efiLba },
  ]).copy(catalog.source.data)
  bootRecordDescriptor(catalogLba).copy(planned.head, 17 * SECTOR)
  isohybridMbr({
    baseMbr: iso.systemArea.subarray(0, 512),
    bootFileLba: biosLba,
    efiLba,
    efiBytes: layout.efi.size,
    imageBytes: planned.size,
    volumeId: iso.volumeId,
  }).copy(planned.head, 0)
  const gpt = hybridGpt({ imageBytes: planned.size, efiBlock: efiLba * 4, efiBlocks: Math.ceil(layout.efi.size / 512), seed: `${iso.volumeId}\0${planned.size}` })
  gpt.primary.copy(planned.head, 512)
  gpt.backup.copy(planned.tail!, planned.tail!.length - gpt.backup.length)
  await writeImageFile(planned, input.outFile)
  return { layout: layout.kind, size: planned.size, patched, skippedSymlinks, files }
}
