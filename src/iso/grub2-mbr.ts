// The System Area of the 22.04/24.04 layout (what xorriso's --grub2-mbr with --protective-msdos-label,
// --mbr-force-bootable and -appended_part_as_gpt writes): the base image's own MBR boot code (GRUB's boot_hybrid.img,
// bytes 0-431), at 0x1b0 the 64-bit address in 512-byte blocks of the El Torito boot image plus 4 (the code loads
// GRUB's core from the block after cdboot.img), the base's disk signature, and a protective MBR: partition 1 of type
// 0xEE from block 1 over the rest of the image (firmware reads the GPT), partition 2 a bootable dummy of type 0x00
// over block 0 (some BIOSes boot only a disk with an active partition).
import { mbrPartition } from './isohybrid-mbr.js'

export interface Grub2MbrInput {
  /** The base image's first 512 bytes. */
  baseMbr: Buffer
  /** ISO sector (2048 bytes) of the El Torito boot image (boot/grub/i386-pc/eltorito.img). */
  bootImageLba: number
  imageBytes: number
}

/** Byte offset of GRUB's core address in its hybrid MBR. */
export const GRUB2_MBR_CORE_ADDRESS = 0x1b0

export function grub2Mbr(input: Grub2MbrInput): Buffer {
  const mbr = Buffer.alloc(512)
  input.baseMbr.copy(mbr, 0, 0, GRUB2_MBR_CORE_ADDRESS)
  mbr.writeBigUInt64LE(BigInt(input.bootImageLba) * 4n + 4n, GRUB2_MBR_CORE_ADDRESS)
  input.baseMbr.copy(mbr, 440, 440, 446)
  const sectors = Math.ceil(input.imageBytes / 512)
  mbrPartition(mbr, 0, { bootable: false, type: 0xee, start: 1, sectors: Math.min(sectors - 1, 0xffffffff) })
  mbrPartition(mbr, 1, { bootable: true, type: 0x00, start: 0, sectors: 1 })
  mbr[510] = 0x55
  mbr[511] = 0xaa
  return mbr
}
