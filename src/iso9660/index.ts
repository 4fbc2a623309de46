// Native ISO 9660 writer: ECMA-119 images with Joliet and Rock Ridge (SUSP/RRIP 1.12), what
// `genisoimage -volid cidata -joliet -rock` produces, without an external program. Layout of the code:
//   both-endian.ts, dates.ts          field encoders (ECMA-119 7, 8.4.26.1, 9.1.5)
//   volume-descriptors.ts             PVD, Joliet SVD, terminator (8.3-8.5)
//   directory-record.ts, path-table.ts (9.1, 9.4)
//   level1-names.ts, joliet-names.ts  identifiers (7.5, 10.1; Joliet), unique per folder (unique-names.ts)
//   susp.ts, rock-ridge.ts            SP/CE/ER and PX/NM/TF entries
//   tree.ts, layout.ts, image-writer.ts  input tree, sector layout, streaming writer

import { readFile } from 'node:fs/promises'
import { SECTOR_SIZE } from './constants.js'
import { sourceDateEpoch } from '../write/source-date.js'
import { IsoWriteError } from './errors.js'
import { writeImageFile } from './image-writer.js'
import { type ImageLayout, layoutImage } from './layout.js'
import { type IsoDirNode, type IsoEntry, addEntries, emptyDir, scanDirectory } from './tree.js'

export { IsoWriteError, type IsoErrorCode } from './errors.js'
export type { IsoEntry, IsoSourceFileEntry, IsoContentFileEntry, IsoDirectoryEntry } from './tree.js'
export type { ImageLayout } from './layout.js'

export const DEFAULT_VOLUME_ID = 'cidata'

export interface IsoTreeOptions {
  /** A folder whose files and subfolders become the image's contents. */
  sourceDir?: string
  /** Files and folders to add; an entry replaces a file or folder of the same path found in sourceDir. */
  entries?: IsoEntry[]
}

export interface IsoImageOptions extends IsoTreeOptions {
  /** Volume label, default "cidata" (what cloud-init's NoCloud looks for). At most 32 printable ASCII characters. */
  volumeId?: string
  /** Seconds since 1970 for every timestamp; default SOURCE_DATE_EPOCH, else DEFAULT_EPOCH. */
  epoch?: number
}

export interface WriteIsoOptions extends IsoImageOptions {
  outFile: string
}

function checkVolumeId(id: string): string {
  // 8.4.6 asks for d-characters; readers and cloud-init expect lower case "cidata", so any printable ASCII goes.
  if (!/^[\x20-\x7e]{1,32}$/.test(id) || id.trim() === '') {
    throw new IsoWriteError('INVALID_VOLUME_ID', `volume label must be 1-32 printable ASCII characters: ${JSON.stringify(id)}`)
  }
  return id
}

async function buildIsoTree(opts: IsoTreeOptions): Promise<IsoDirNode> {
  const root = opts.sourceDir !== undefined ? await scanDirectory(opts.sourceDir) : emptyDir(Buffer.alloc(0))
  await addEntries(root, opts.entries ?? [])
  return root
}

/** The sector layout and the bytes of everything but file contents. */
export async function planIso(opts: IsoImageOptions): Promise<ImageLayout> {
  const volumeId = checkVolumeId(opts.volumeId ?? DEFAULT_VOLUME_ID)
  if (opts.epoch !== undefined && !Number.isInteger(opts.epoch)) {
    throw new IsoWriteError('INVALID_EPOCH', `epoch must be an integer number of seconds, got ${opts.epoch}`)
  }
  const epoch = opts.epoch ?? sourceDateEpoch()
  return layoutImage(await buildIsoTree(opts), { volumeId, epoch })
}

/** Writes an image to outFile (atomically: a temporary file renamed into place). Returns its size in bytes. */
export async function writeIso(opts: WriteIsoOptions): Promise<{ size: number }> {
  const layout = await planIso(opts)
  await writeImageFile(layout, opts.outFile)
  return { size: layout.size }
}

/** The whole image in memory, for tests and small images. */
export async function isoToBuffer(opts: IsoImageOptions): Promise<Buffer> {
  const layout = await planIso(opts)
  const image = Buffer.alloc(layout.size)
  layout.head.copy(image, 0)
  for (const f of layout.files) {
    if (f.size === 0) continue
    const src = f.node.source
    const data =
      src.kind === 'data' ? src.data : src.kind === 'slice' ? (await readFile(src.path)).subarray(src.offset, src.offset + f.size) : await readFile(src.path)
    if (data.length !== f.size) throw new IsoWriteError('SOURCE_CHANGED', 'a source file changed size')
    data.copy(image, f.extent * SECTOR_SIZE)
  }
  return image
}
