// Remasters an Ubuntu live-server ISO natively: every file of the base image is kept (copied from the base image
// file in streaming chunks, never loaded whole) and so is every symbolic link (Rock Ridge SL), its boot menus are patched (boot-config.ts), the seed is added, and
// the boot structures are rebuilt for the new file positions. Layouts:
//   20.04  ISOLINUX El Torito entry (isolinux.bin, boot info table) + EFI entry (boot/grub/efi.img inside the ISO
//          tree), isohybrid MBR (partition 2, type EF, is the EFI image) and GPT, so that the file also boots from a
//          USB stick.
//   22.04/24.04  GRUB El Torito entry (boot/grub/i386-pc/eltorito.img with boot info table and GRUB 2 boot info) +
//          EFI entry pointing at an ESP appended after the files as GPT partition 2 (copied from the base), GRUB's
//          hybrid MBR (core address at 0x1b0) as a protective MBR, GPT with the ISO 9660 and EFI partitions. Unlike
//          xorriso's -partition_offset 16 there is no second superblock: partition 1 is not mountable by itself (the
//          whole device is, and that is what GRUB, casper and firmware read).
// Anything else is refused with what was found.
import { basename } from 'node:path'
import { SECTOR, readIso, readRange, type IsoFile, type IsoImage } from './read-iso.js'
import { bootCatalog, bootRecordDescriptor, patchBootInfoTable, patchGrub2BootInfo } from './el-torito.js'
import { bootConfigKind, patchGrubConfig, patchIsolinuxConfig } from './boot-config.js'
import { isohybridMbr } from './isohybrid-mbr.js'
import { grub2Mbr } from './grub2-mbr.js'
import { GPT_BACKUP_BLOCKS, GPT_FIRST_USABLE, gpt, hybridGpt } from './hybrid-gpt.js'
import { layoutImage } from '../write/iso9660/layout.js'
import { writeImageFile } from '../write/iso9660/image-writer.js'
import { TARGET_IDS, osTarget, type InstallerMedia, type TargetId } from '../targets/os-targets.js'
import { emptyDir, type IsoDirNode, type IsoFileNode, type IsoSymlinkNode } from '../write/iso9660/tree.js'

export class RemasterError extends Error {}

interface BaseCommon {
  /** The release(s) the base is: "22.04"; "22.04/24.04" when its volume id does not say which. */
  release: string
  targets: TargetId[]
  bios: IsoFile
  catalog: IsoFile | null
}

/** 20.04: the EFI image is a file of the tree; 22.04 and later: an ESP appended after the files. */
export type BaseLayout =
  | (BaseCommon & { kind: 'efi-image-file'; efi: IsoFile })
  | (BaseCommon & { kind: 'appended-esp'; esp: { offset: number; bytes: number } })

/** The base's GPT partition that starts at 512-byte block `first`: its size in bytes, or null. */
function gptPartitionBytes(iso: IsoImage, first: number): number | null {
  const h = iso.systemArea.subarray(512, 1024)
  if (h.toString('latin1', 0, 8) !== 'EFI PART') return null
  const entriesLba = Number(h.readBigUInt64LE(72))
  const count = h.readUInt32LE(80)
  const size = h.readUInt32LE(84)
  if (size < 128 || count > 1024) return null
  const entries = readRange(iso.file, entriesLba * 512, count * size)
  for (let i = 0; i < count; i++) {
    const at = i * size
    const start = Number(entries.readBigUInt64LE(at + 32))
    const end = Number(entries.readBigUInt64LE(at + 40))
    if (start === first && end >= start) return (end - start + 1) * 512
  }
  return null
}

function fileAt(iso: IsoImage, lba: number): IsoFile | null {
  return (iso.entries.find((e) => e.type === 'file' && e.extent === lba && e.size > 0) as IsoFile | undefined) ?? null
}

/** Does the base's boot structure have the shape the target's media have (registry: targets/os-targets.ts)? */
function fitsMedia(media: InstallerMedia, biosFile: IsoFile | null, efiFile: IsoFile | null, appended: boolean): boolean {
  if (!biosFile || biosFile.path !== media.biosBoot.image) return false
  return media.efiBoot.kind === 'file' ? efiFile?.path === media.efiBoot.path : appended && !efiFile
}

/**
 * Which of the registry's installer media the base image is (the boot structure of every release with that shape;
 * the volume id, e.g. "Ubuntu-Server 22.04.5 LTS amd64", names the release when several share it); a clear error
 * for anything else.
 */
export function detectLayout(iso: IsoImage): BaseLayout {
  const what = `${iso.file} (volume ${JSON.stringify(iso.volumeId)})`
  if (!iso.boot) throw new RemasterError(`${what} has no El Torito boot catalog: not an Ubuntu live-server ISO`)
  const bios = iso.boot.entries.find((e) => e.platform === 0)
  const efi = iso.boot.entries.find((e) => e.platform === 0xef)
  const biosFile = bios ? fileAt(iso, bios.lba) : null
  const efiFile = efi ? fileAt(iso, efi.lba) : null
  // xorriso counts an appended partition into the volume's size: it is told apart by lying outside every file and
  // being a GPT partition of its own.
  const appended = efi && !efiFile ? gptPartitionBytes(iso, efi.lba * 4) : null
  const found = `BIOS boot image ${biosFile?.path ?? (bios ? `at sector ${bios.lba}` : 'none')}, EFI boot image ${efiFile?.path ?? (efi ? `at sector ${efi.lba}${appended ? ' (an appended partition)' : ''}` : 'none')}`
  const shaped = TARGET_IDS.filter((id) => fitsMedia(osTarget(id).media, biosFile, efiFile, appended !== null))
  if (shaped.length === 0) {
    const byLayout = new Map<string, string[]>()
    for (const id of TARGET_IDS) byLayout.set(layoutText(osTarget(id).media), [...(byLayout.get(layoutText(osTarget(id).media)) ?? []), `${osTarget(id).version}'s`])
    const expected = [...byLayout].map(([text, versions]) => `Ubuntu ${versions.join(' and ')} (${text})`)
    throw new RemasterError(`${what}: unknown boot layout (${found}); expected ${expected.join(' or ')}`)
  }
  const named = shaped.filter((id) => iso.volumeId.startsWith(`Ubuntu-Server ${osTarget(id).version}`))
  const targets = named.length ? named : shaped
  const release = targets.map((id) => osTarget(id).version).join('/')
  const catalog = fileAt(iso, iso.boot.catalogLba)
  if (iso.systemArea.readUInt16LE(510) !== 0xaa55) throw new RemasterError(`${what}: ${found}, but no MBR: not the layout of Ubuntu ${release}'s ISO`)
  if (efiFile) return { kind: 'efi-image-file', release, targets, bios: biosFile!, catalog, efi: efiFile }
  const offset = efi!.lba * SECTOR
  const bytes = appended!
  if (offset + bytes > iso.size) throw new RemasterError(`${what}: ${found}, but the appended EFI partition lies past the end of the file`)
  return { kind: 'appended-esp', release, targets, bios: biosFile!, catalog, esp: { offset, bytes } }
}

function layoutText(media: InstallerMedia): string {
  return `${media.biosBoot.image} + ${media.efiBoot.kind === 'file' ? media.efiBoot.path : 'an appended EFI partition'}`
}

export interface RemasterInput {
  base: string
  /** The nodes on the ISO and the OS target each is rendered for: the base must be that release's installer. */
  nodes: { hostname: string; target: TargetId }[]
  outFile: string
  seed: { path: string; content: string; mode: number }[]
  epoch: number
}

/** The image is owner-only (0600) when a file of its seed is: it holds what that file holds. */
export function imageMode(seed: readonly { mode: number }[]): number {
  return seed.some((f) => (f.mode & 0o077) === 0) ? 0o600 : 0o666
}

export interface RemasterResult {
  /** The release(s) of the base's layout, e.g. "22.04". */
  release: string
  layout: BaseLayout['kind']
  size: number
  /** Boot menus patched, with the number of entries in each. */
  patched: { path: string; entries: number }[]
  /** Symbolic links of the base image, recorded as they were (Rock Ridge SL). */
  symlinks: number
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
  const wrong = input.nodes.filter((n) => !layout.targets.includes(n.target))
  if (wrong.length) {
    const byTarget = [...new Set(wrong.map((n) => n.target))].map((t) => `${t} (${wrong.filter((n) => n.target === t).map((n) => n.hostname).join(', ')})`)
    throw new RemasterError(
      `${input.base} is the installer of Ubuntu ${layout.release} (volume ${JSON.stringify(iso.volumeId)}), but nodes are rendered for ${byTarget.join(', ')}: ` +
        `give the matching live-server ISO (${[...new Set(wrong.map((n) => osTarget(n.target).media.isoName))].join(', ')}) or the nodes' os:`,
    )
  }
  const seedArg = osTarget(layout.targets[0]!).media.mediaSeedArg
  const root = emptyDir(Buffer.alloc(0))
  const patched: RemasterResult['patched'] = []
  let symlinks = 0
  const byPath = new Map<string, IsoFileNode>()
  let files = 0
  for (const e of iso.entries) {
    if (e.type === 'directory') dirAt(root, e.path).mode = e.mode
    else if (e.type === 'symlink') {
      symlinks++
      const dir = dirAt(root, parentOf(e.path))
      const name = Buffer.from(basename(e.path), 'utf8')
      const link: IsoSymlinkNode = { type: 'symlink', name, mode: e.mode, uid: 0, gid: 0, target: Buffer.from(e.target, 'utf8') }
      dir.children.set(name.toString('latin1'), link)
    }
    else {
      files++
      const kind = bootConfigKind(e.path)
      if (kind) {
        const text = readRange(input.base, e.extent * SECTOR, e.size).toString('utf8')
        const result = kind === 'grub' ? patchGrubConfig(text, seedArg) : patchIsolinuxConfig(text, seedArg)
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
  const hasGrub = patched.some((p) => bootConfigKind(p.path) === 'grub')
  if (layout.kind === 'efi-image-file' && (!patched.some((p) => bootConfigKind(p.path) === 'isolinux') || !hasGrub)) {
    throw new RemasterError(
      `${input.base}: found no ${patched.length ? 'GRUB' : 'ISOLINUX or GRUB'} boot menu entries to patch (isolinux/*.cfg APPEND, boot/grub/grub.cfg linux)`,
    )
  }
  if (layout.kind !== 'efi-image-file' && !hasGrub) throw new RemasterError(`${input.base}: found no GRUB boot menu entries to patch (boot/grub/grub.cfg linux)`)
  for (const f of input.seed) {
    const data = Buffer.from(f.content, 'utf8')
    putFile(root, f.path, { size: data.length, mode: f.mode, source: { kind: 'data', data } })
  }
  // A catalog the base image kept outside its file tree gets a file of its own.
  const boot = osTarget(layout.targets[0]!).media.biosBoot
  const catalogPath = layout.catalog?.path ?? (boot.loader === 'isolinux' ? boot.catalog : 'boot.catalog')
  if (!layout.catalog) byPath.set(catalogPath, putFile(root, catalogPath, { size: SECTOR, mode: 0o444, source: { kind: 'data', data: Buffer.alloc(SECTOR) } }))

  // The backup GPT takes the last 63 blocks of 512 bytes: 16 sectors of 2048 after the files (and after an appended
  // EFI partition).
  const gptSectors = Math.ceil((GPT_BACKUP_BLOCKS * 512) / SECTOR)
  const espSectors = layout.kind === 'efi-image-file' ? 0 : Math.ceil(layout.esp.bytes / SECTOR)
  const planned = layoutImage(root, {
    volumeId: iso.volumeId,
    epoch: input.epoch,
    bootRecord: true,
    tailSectors: espSectors + gptSectors,
  })
  const extent = (path: string): number => {
    const node = byPath.get(path)
    const placed = planned.files.find((f) => f.node === node)
    if (!placed) throw new Error(`internal: ${path} was not placed`)
    return placed.extent
  }
  const biosLba = extent(layout.bios.path)
  const catalogLba = extent(catalogPath)
  const biosNode = byPath.get(layout.bios.path)!
  if (biosNode.source.kind !== 'data') throw new Error('internal: boot image not in memory')
  // GRUB 2 boot info first: the boot info table's checksum covers it (as xorriso writes them).
  if (layout.kind !== 'efi-image-file') patchGrub2BootInfo(biosNode.source.data, biosLba)
  patchBootInfoTable(biosNode.source.data, 16, biosLba)
  const catalog = byPath.get(catalogPath)!
  if (catalog.source.kind !== 'data') throw new Error('internal: catalog not in memory')
  bootRecordDescriptor(catalogLba).copy(planned.head, 17 * SECTOR)
  const seed = `${iso.volumeId}\0${planned.size}`
  let gptTables
  if (layout.kind === 'efi-image-file') {
    const efiLba = extent(layout.efi.path)
    bootCatalog([
      { platform: 0, sectorCount: 4, lba: biosLba },
      { platform: 0xef, sectorCount: Math.min(0xffff, Math.ceil(layout.efi.size / 512)), lba: efiLba },
    ]).copy(catalog.source.data)
    isohybridMbr({
      baseMbr: iso.systemArea.subarray(0, 512),
      bootFileLba: biosLba,
      efiLba,
      efiBytes: layout.efi.size,
      imageBytes: planned.size,
      volumeId: iso.volumeId,
    }).copy(planned.head, 0)
    gptTables = hybridGpt({ imageBytes: planned.size, efiBlock: efiLba * 4, efiBlocks: Math.ceil(layout.efi.size / 512), seed })
  } else {
    // The EFI partition right after the volume, copied from the base (a few MiB), then the backup GPT.
    const espLba = planned.totalSectors - espSectors - gptSectors
    readRange(input.base, layout.esp.offset, layout.esp.bytes).copy(planned.tail!, 0)
    const espBlocks = Math.ceil(layout.esp.bytes / 512)
    bootCatalog([
      { platform: 0, sectorCount: 4, lba: biosLba },
      { platform: 0xef, sectorCount: Math.min(0xffff, espBlocks), lba: espLba },
    ]).copy(catalog.source.data)
    grub2Mbr({ baseMbr: iso.systemArea.subarray(0, 512), bootImageLba: biosLba, imageBytes: planned.size }).copy(planned.head, 0)
    gptTables = gpt(planned.size, seed, [
      { type: 'basic-data', first: GPT_FIRST_USABLE, last: espLba * 4 - 1, readOnly: true, name: 'ISO9660' },
      { type: 'efi-system', first: espLba * 4, last: espLba * 4 + espBlocks - 1, readOnly: false, name: 'Appended2' },
    ])
  }
  gptTables.primary.copy(planned.head, 512)
  gptTables.backup.copy(planned.tail!, planned.tail!.length - gptTables.backup.length)
  await writeImageFile(planned, input.outFile, imageMode(input.seed))
  return { release: layout.release, layout: layout.kind, size: planned.size, patched, symlinks, files }
}
