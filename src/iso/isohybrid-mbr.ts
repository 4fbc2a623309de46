// The isohybrid MBR of the 20.04 layout (what xorriso's -isohybrid-mbr with -isohybrid-gpt-basdat writes): the base
// image's own MBR boot code (bytes 0-431, isohdpfx), at 432 the 64-bit LBA in 512-byte blocks of isolinux.bin (the
// code loads it from there), a disk signature at 440, and two partitions: 1, bootable, type 0x00 over the whole image
// (firmware ignores type 0x00, so it does not overlap the next), and 2, type 0xEF, the EFI image, which UEFI firmware
// boots as an EFI system partition when the file is written to a USB stick.
import { createHash } from 'node:crypto'

export function chs(lba: number): [number, number, number] {
  // 64 heads, 32 sectors per track, as isohybrid; beyond cylinder 1023 the maximum.
  const cyl = Math.floor(lba / (64 * 32))
  if (cyl > 1023) return [0xfe, 0xff, 0xff]
  const head = Math.floor(lba / 32) % 64
  const sector = (lba % 32) + 1
  return [head, sector | ((cyl >> 2) & 0xc0), cyl & 0xff]
}

export function mbrPartition(mbr: Buffer, index: number, p: { bootable: boolean; type: number; start: number; sectors: number }): void {
  const at = 446 + 16 * index
  mbr[at] = p.bootable ? 0x80 : 0
  Buffer.from(chs(p.start)).copy(mbr, at + 1)
  mbr[at + 4] = p.type
  Buffer.from(chs(p.start + p.sectors - 1)).copy(mbr, at + 5)
  mbr.writeUInt32LE(p.start, at + 8)
  mbr.writeUInt32LE(p.sectors, at + 12)
}

export interface HybridMbrInput {
  /** The base image's first 512 bytes (its MBR boot code is kept). */
  baseMbr: Buffer
  /** ISO sector (2048 bytes) of isolinux.bin. */
  bootFileLba: number
  /** ISO sector and byte size of the EFI image. */
  efiLba: number
  efiBytes: number
  /** Size of the whole image in bytes. */
  imageBytes: number
  volumeId: string
}

export function isohybridMbr(input: HybridMbrInput): Buffer {
  const mbr = Buffer.alloc(512)
  input.baseMbr.copy(mbr, 0, 0, 432)
  mbr.writeUInt32LE(input.bootFileLba * 4, 432)
  mbr.writeUInt32LE(0, 436)
  createHash('sha256').update(`${input.volumeId}\0${input.imageBytes}`).digest().copy(mbr, 440, 0, 4)
  const sectors = Math.ceil(input.imageBytes / 512)
  mbrPartition(mbr, 0, { bootable: true, type: 0x00, start: 0, sectors })
  mbrPartition(mbr, 1, { bootable: false, type: 0xef, start: input.efiLba * 4, sectors: Math.ceil(input.efiBytes / 512) })
  mbr[510] = 0x55
  mbr[511] = 0xaa
  return mbr
}
