// The GPT of the 20.04 isohybrid layout (xorriso's -isohybrid-gpt-basdat): a header at 512-byte block 1 with 248
// entries from block 2 (all inside the 32 KiB System Area), and the backup entries and header in the image's last
// 63 blocks. Partition 1 "ISOHybrid" (basic data, read-only) spans the image, partition 2 "ISOHybrid1" (EFI system
// partition) is the EFI image. The MBR has no protective 0xEE entry, so firmware uses the MBR; the GPT is what
// partitioning tools and xorriso read.
import { createHash } from 'node:crypto'
import { crc32 } from '../write/crc32.js'

const ENTRIES = 248
const ENTRY_SIZE = 128
const ENTRY_BLOCKS = (ENTRIES * ENTRY_SIZE) / 512
/** 512-byte blocks at the end of the image: backup entries and header. */
export const GPT_BACKUP_BLOCKS = ENTRY_BLOCKS + 1

const BASIC_DATA = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7'
const EFI_SYSTEM = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B'

function guidBytes(text: string): Buffer {
  const h = text.replace(/-/g, '')
  const b = Buffer.from(h, 'hex')
  // The first three fields are little-endian.
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)])
}

function derivedGuid(seed: string): Buffer {
  const b = createHash('sha256').update(seed).digest().subarray(0, 16)
  b[7] = (b[7]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  return Buffer.from(b)
}

function header(p: { current: bigint; backup: bigint; firstUsable: bigint; lastUsable: bigint; disk: Buffer; entriesLba: bigint; entriesCrc: number }): Buffer {
  const h = Buffer.alloc(512)
  h.write('EFI PART', 0, 'latin1')
  h.writeUInt32LE(0x00010000, 8)
  h.writeUInt32LE(92, 12)
  h.writeBigUInt64LE(p.current, 24)
  h.writeBigUInt64LE(p.backup, 32)
  h.writeBigUInt64LE(p.firstUsable, 40)
  h.writeBigUInt64LE(p.lastUsable, 48)
  p.disk.copy(h, 56)
  h.writeBigUInt64LE(p.entriesLba, 72)
  h.writeUInt32LE(ENTRIES, 80)
  h.writeUInt32LE(ENTRY_SIZE, 84)
  h.writeUInt32LE(p.entriesCrc, 88)
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16)
  return h
}

export interface HybridGpt {
  /** Blocks 1 .. 1+ENTRY_BLOCKS (header then entries), to write at byte 512. */
  primary: Buffer
  /** The last GPT_BACKUP_BLOCKS blocks of the image (entries then header). */
  backup: Buffer
}

/** Basic data, read-only (bit 60) and platform-required (bit 0): what xorriso marks the ISO 9660 partition with. */
const ISO_ATTRIBUTES = (1n << 60n) | 1n
/** The first 512-byte block a partition may use: after the 63 blocks of MBR, GPT header and entries. */
export const GPT_FIRST_USABLE = 64

export interface GptPartition {
  type: 'basic-data' | 'efi-system'
  /** First and last 512-byte block; undefined last: up to the last usable block. */
  first: number
  last?: number
  readOnly: boolean
  name: string
}

/** The 20.04 isohybrid GPT: "ISOHybrid" over the whole image, "ISOHybrid1" the EFI image. */
export function hybridGpt(input: { imageBytes: number; efiBlock: number; efiBlocks: number; seed: string }): HybridGpt {
  return gpt(input.imageBytes, input.seed, [
    { type: 'basic-data', first: GPT_FIRST_USABLE, readOnly: true, name: 'ISOHybrid' },
    { type: 'efi-system', first: input.efiBlock, last: input.efiBlock + input.efiBlocks - 1, readOnly: false, name: 'ISOHybrid1' },
  ])
}

/** A GPT with these partitions: header at block 1, 248 entries from block 2, the backup in the last 63 blocks. */
export function gpt(imageBytes: number, seed: string, partitions: readonly GptPartition[]): HybridGpt {
  const blocks = BigInt(imageBytes / 512)
  const last = blocks - 1n
  const firstUsable = BigInt(GPT_FIRST_USABLE)
  const lastUsable = last - BigInt(GPT_BACKUP_BLOCKS)
  const entries = Buffer.alloc(ENTRIES * ENTRY_SIZE)
  partitions.forEach((p, i) => {
    const at = i * ENTRY_SIZE
    guidBytes(p.type === 'efi-system' ? EFI_SYSTEM : BASIC_DATA).copy(entries, at)
    derivedGuid(`${seed}\0partition ${i + 1}`).copy(entries, at + 16)
    entries.writeBigUInt64LE(BigInt(p.first), at + 32)
    entries.writeBigUInt64LE(p.last === undefined ? lastUsable : BigInt(p.last), at + 40)
    entries.writeBigUInt64LE(p.readOnly ? ISO_ATTRIBUTES : 0n, at + 48)
    entries.write(p.name, at + 56, 'utf16le')
  })
  const disk = derivedGuid(`${seed}\0disk`)
  const entriesCrc = crc32(entries)
  const common = { firstUsable, lastUsable, disk, entriesCrc }
  const primaryHeader = header({ ...common, current: 1n, backup: last, entriesLba: 2n })
  const backupHeader = header({ ...common, current: last, backup: 1n, entriesLba: last - BigInt(ENTRY_BLOCKS) })
  return { primary: Buffer.concat([primaryHeader, entries]), backup: Buffer.concat([entries, backupHeader]) }
}
