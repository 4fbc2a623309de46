// El Torito 1.0 structures written into a remastered image: the Boot Record Volume Descriptor (sector 17), the boot
// catalog (validation entry, default entry, section headers and entries), ISOLINUX's boot info table, and GRUB 2's
// boot info (what xorriso's -boot-info-table and --grub2-boot-info patch into the boot image).
import { SECTOR_SIZE } from '../iso9660/read-iso.js'

export interface CatalogEntry {
  /** 0 BIOS x86, 0xEF EFI. */
  platform: number
  /** 512-byte sectors to load. */
  sectorCount: number
  lba: number
}

/** Boot Record Volume Descriptor (El Torito 2.0): "EL TORITO SPECIFICATION" and the catalog's sector. */
export function bootRecordDescriptor(catalogLba: number): Buffer {
  const vd = Buffer.alloc(SECTOR_SIZE)
  vd[0] = 0
  vd.write('CD001', 1, 'latin1')
  vd[6] = 1
  vd.write('EL TORITO SPECIFICATION', 7, 'latin1')
  vd.writeUInt32LE(catalogLba, 0x47)
  return vd
}

/** The boot catalog: the first entry is the default (BIOS) entry, each further one gets its own section. */
export function bootCatalog(entries: readonly CatalogEntry[]): Buffer {
  const cat = Buffer.alloc(SECTOR_SIZE)
  const first = entries[0]!
  // Validation entry (2.1): header 1, platform, ID string empty, checksum so the 16 words sum to 0, 55 AA.
  cat[0] = 1
  cat[1] = first.platform
  cat[30] = 0x55
  cat[31] = 0xaa
  let sum = 0
  for (let i = 0; i < 32; i += 2) sum = (sum + cat.readUInt16LE(i)) & 0xffff
  cat.writeUInt16LE((0x10000 - sum) & 0xffff, 28)
  const entry = (at: number, e: CatalogEntry): void => {
    cat[at] = 0x88 // bootable
    cat[at + 1] = 0 // no emulation
    cat.writeUInt16LE(0, at + 2) // load segment: default 0x7C0
    cat[at + 4] = 0
    cat.writeUInt16LE(e.sectorCount, at + 6)
    cat.writeUInt32LE(e.lba, at + 8)
  }
  entry(32, first)
  let at = 64
  const rest = entries.slice(1)
  rest.forEach((e, i) => {
    cat[at] = i === rest.length - 1 ? 0x91 : 0x90
    cat[at + 1] = e.platform
    cat.writeUInt16LE(1, at + 2)
    at += 32
    entry(at, e)
    at += 32
  })
  return cat
}

/** Byte offset of GRUB 2's boot info in its El Torito image (xorriso --grub2-boot-info). */
export const GRUB2_BOOT_INFO_OFFSET = 2548

/**
 * GRUB 2 boot info: the El Torito image's own address in 512-byte blocks plus 5, as a 64-bit little-endian number at
 * byte 2548 (where GRUB's diskboot.img, behind the 2048 bytes of cdboot.img, reads the blocks of its core from).
 */
export function patchGrub2BootInfo(image: Buffer, fileLba: number): void {
  if (image.length < GRUB2_BOOT_INFO_OFFSET + 8) throw new Error('boot image shorter than its GRUB 2 boot info')
  image.writeBigUInt64LE(BigInt(fileLba) * 4n + 5n, GRUB2_BOOT_INFO_OFFSET)
}

/**
 * ISOLINUX boot info table (isolinux.bin bytes 8-63): LBA of the PVD, LBA of the boot file, its length, and the
 * 32-bit sum of its 32-bit little-endian words from byte 64 on. Patches `image` in place.
 */
export function patchBootInfoTable(image: Buffer, pvdLba: number, fileLba: number): void {
  if (image.length < 64) throw new Error('boot image shorter than its boot info table')
  image.fill(0, 8, 64)
  image.writeUInt32LE(pvdLba, 8)
  image.writeUInt32LE(fileLba, 12)
  image.writeUInt32LE(image.length, 16)
  let sum = 0
  for (let i = 64; i + 4 <= image.length; i += 4) sum = (sum + image.readUInt32LE(i)) >>> 0
  const tail = image.length % 4
  if (tail) {
    const last = Buffer.alloc(4)
    image.copy(last, 0, image.length - tail)
    sum = (sum + last.readUInt32LE(0)) >>> 0
  }
  image.writeUInt32LE(sum, 20)
}
