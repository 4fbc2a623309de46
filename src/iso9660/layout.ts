// Where everything goes in the image, and the bytes of everything but file contents.
//
// Sectors, in order (ECMA-119 6.2, 6.8, 6.9; nothing is padded beyond whole sectors):
//   0-15   System Area, zero (6.2.1)
//   16     Primary Volume Descriptor (8.4)
//   17     Joliet Supplementary Volume Descriptor (8.5)
//   18     Volume Descriptor Set Terminator (8.3)
//   ...    path tables: primary L, primary M, Joliet L, Joliet M (9.4), each from a sector boundary
//   ...    primary directories in path table order (6.8.1), each followed by the SUSP Continuation Areas of its
//          records; then the Joliet directories
//   ...    file contents, one extent per file, in primary directory order; empty files take no sector
//
// The primary tree carries Rock Ridge; the Joliet tree shares file extents with it and has its own directories.
// Directories deeper than 8 levels (6.8.2.1's limit) stay where they are instead of being relocated with RRIP
// CL/PL/RE: Linux, libisofs (xorriso), libarchive (bsdtar) and isoinfo read such trees as they are.

import { SECTOR_SIZE, MAX_DIRECTORIES, MAX_RECORD_LENGTH, MAX_SECTORS, SYSTEM_AREA_SECTORS } from './constants.js'
import { recordingDate } from './dates.js'
import {
  FLAG_DIRECTORY,
  PARENT_IDENTIFIER,
  SELF_IDENTIFIER,
  directoryRecord,
  recordBaseLength,
  recordLength,
} from './directory-record.js'
import { IsoWriteError } from './errors.js'
import { jolietNames, ucs2 } from './joliet-names.js'
import { level1Names } from './level1-names.js'
import { type PathTableEntry, pathTable, pathTableSize } from './path-table.js'
import { type OrderKey, compareOrderKeys } from './record-order.js'
import { S_IFDIR, S_IFLNK, S_IFREG, nmEntries, pxEntry, rripErEntry, slEntries, tfEntry } from './rock-ridge.js'
import { type PackedSystemUse, areaLength, ceEntry, inRecordLength, packSystemUse, spEntry } from './susp.js'
import { type IsoDirNode, type IsoFileNode, type IsoNode, displayName, sortedChildren } from './tree.js'
import { jolietVolumeDescriptor, primaryVolumeDescriptor, terminatorVolumeDescriptor } from './volume-descriptors.js'

export interface LayoutOptions {
  volumeId: string
  epoch: number
  /** Reserve sector 17 for an El Torito Boot Record Volume Descriptor (written by the caller into `head`). */
  bootRecord?: boolean
  /** Zero sectors after the last file, inside the volume, for the caller to fill (`tail`): e.g. a backup GPT. */
  tailSectors?: number
}

/** A file's extent: contents are written there by the streaming writer. */
export interface PlacedFile {
  node: IsoFileNode
  extent: number
  size: number
}

export interface ImageLayout {
  /** Sectors 0 .. dataStart-1: everything except file contents. */
  head: Buffer
  dataStart: number
  /** In ascending extent order. */
  files: PlacedFile[]
  totalSectors: number
  /** Written after the last file (LayoutOptions.tailSectors); the image ends with it. */
  tail?: Buffer
  /** Image size in bytes (totalSectors * 2048). */
  size: number
}

/** A directory of one hierarchy (primary or Joliet). */
interface HierDir {
  node: IsoDirNode
  identifier: Buffer
  parent: HierDir | null
  children: HierRecord[]
  /** 1-based position in the path table (9.4.4). */
  number: number
  extent: number
  size: number
}

interface HierRecord {
  node: IsoNode
  identifier: Buffer
  key: OrderKey
  dir: HierDir | null
}

type Namer = (children: IsoNode[]) => { identifier: Buffer; key: OrderKey }[]

/** Which children a tree records: the primary (Rock Ridge) tree all, Joliet no symbolic links (as libisofs). */
type Keep = (node: IsoNode) => boolean
const keepAll: Keep = () => true
const keepNoLinks: Keep = (node) => node.type !== 'symlink'

const namePrimary: Namer = (children) =>
  level1Names(children.map((c) => ({ name: displayName(c), isDir: c.type === 'directory' }))).map((n) => ({
    identifier: Buffer.from(n.identifier, 'latin1'),
    key: n.key,
  }))

const nameJoliet: Namer = (children) =>
  jolietNames(children.map((c) => ({ name: displayName(c), isDir: c.type === 'directory' }))).map((n) => ({
    identifier: ucs2(n.text),
    key: n.key,
  }))

/** Breadth-first with each directory's children in 9.3 order: exactly the path table order of 6.9.1. */
function buildHierarchy(root: IsoDirNode, namer: Namer, keep: Keep): HierDir[] {
  const rootDir: HierDir = { node: root, identifier: SELF_IDENTIFIER, parent: null, children: [], number: 0, extent: 0, size: 0 }
  const dirs: HierDir[] = [rootDir]
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]
    d.number = i + 1
    const kids = sortedChildren(d.node).filter(keep)
    const names = namer(kids)
    d.children = kids
      .map((node, j) => ({ node, identifier: names[j].identifier, key: names[j].key, dir: null as HierDir | null }))
      .sort((a, b) => compareOrderKeys(a.key, b.key))
    for (const r of d.children) {
      if (r.node.type !== 'directory') continue
      r.dir = { node: r.node, identifier: r.identifier, parent: d, children: [], number: 0, extent: 0, size: 0 }
      dirs.push(r.dir)
    }
  }
  if (dirs.length > MAX_DIRECTORIES) {
    throw new IsoWriteError('TOO_MANY_DIRECTORIES', `${dirs.length} folders; a path table numbers at most ${MAX_DIRECTORIES}`)
  }
  return dirs
}

/** One record to be written in a directory's extent. */
interface PendingRecord {
  identifier: Buffer
  target: () => { extent: number; size: number }
  flags: number
  su: PackedSystemUse | null
  /** Block and offset of each Continuation Area, filled in when the areas are placed. */
  areaPlaces: { block: number; offset: number }[]
  length: number
}

const sectorsFor = (bytes: number): number => Math.ceil(bytes / SECTOR_SIZE)

/** 6.8.1.1: a record never crosses a sector boundary; the extent is whole sectors, at least one. */
function directorySize(records: PendingRecord[]): number {
  let pos = 0
  for (const r of records) {
    if ((pos % SECTOR_SIZE) + r.length > SECTOR_SIZE) pos = sectorsFor(pos) * SECTOR_SIZE
    pos += r.length
  }
  return Math.max(1, sectorsFor(pos)) * SECTOR_SIZE
}

function serializeDirectory(records: PendingRecord[], size: number, recorded: Buffer): Buffer {
  const buf = Buffer.alloc(size)
  let pos = 0
  for (const r of records) {
    if ((pos % SECTOR_SIZE) + r.length > SECTOR_SIZE) pos = sectorsFor(pos) * SECTOR_SIZE
    const { extent, size: dataLength } = r.target()
    let systemUse: Buffer | undefined
    if (r.su) {
      const parts = [...r.su.inRecord]
      if (r.su.areas.length > 0) parts.push(ceEntry(r.areaPlaces[0].block, r.areaPlaces[0].offset, areaLength(r.su, 0)))
      systemUse = Buffer.concat(parts)
    }
    const rec = directoryRecord({ extent, dataLength, recorded, flags: r.flags, identifier: r.identifier, systemUse })
    if (rec.length !== r.length) throw new Error(`internal: record length ${rec.length} != planned ${r.length}`)
    rec.copy(buf, pos)
    pos += rec.length
  }
  return buf
}

function subdirCount(node: IsoDirNode): number {
  let n = 0
  for (const c of node.children.values()) if (c.type === 'directory') n++
  return n
}

export function layoutImage(root: IsoDirNode, opts: LayoutOptions): ImageLayout {
  const recorded = recordingDate(opts.epoch)
  const primary = buildHierarchy(root, namePrimary, keepAll)
  const joliet = buildHierarchy(root, nameJoliet, keepNoLinks)

  // Serial numbers (RRIP PX) and the order of file contents both follow the primary tree's record order.
  const serials = new Map<IsoNode, number>()
  const files: PlacedFile[] = []
  serials.set(root, 1)
  for (const d of primary) {
    for (const r of d.children) {
      serials.set(r.node, serials.size + 1)
      if (r.node.type === 'file') files.push({ node: r.node, extent: 0, size: r.node.size })
    }
  }

  const tf = tfEntry(opts.epoch)
  const px = (node: IsoNode): Buffer =>
    pxEntry({
      mode: (node.type === 'directory' ? S_IFDIR : node.type === 'symlink' ? S_IFLNK : S_IFREG) | node.mode,
      links: node.type === 'directory' ? 2 + subdirCount(node) : 1,
      uid: node.uid,
      gid: node.gid,
      serial: serials.get(node) ?? 0,
    })
  const extentOf = new Map<IsoNode, PlacedFile>(files.map((f) => [f.node, f]))
  // The first sector after the metadata, known once the directories are placed (symbolic links point there).
  let dataStart = 0

  const pending = (identifier: Buffer, flags: number, target: PendingRecord['target'], entries: Buffer[] | null): PendingRecord => {
    const room = MAX_RECORD_LENGTH - recordBaseLength(identifier.length)
    const su = entries ? packSystemUse(entries, room) : null
    return { identifier, target, flags, su, areaPlaces: [], length: recordLength(identifier.length, su ? inRecordLength(su) : 0) }
  }

  const recordsOf = (d: HierDir, rockRidge: boolean): PendingRecord[] => {
    const parent = d.parent ?? d
    const self = rockRidge ? (d.parent ? [px(d.node), tf] : [spEntry(), px(d.node), tf, rripErEntry()]) : null
    const out = [
      pending(SELF_IDENTIFIER, FLAG_DIRECTORY, () => d, self),
      pending(PARENT_IDENTIFIER, FLAG_DIRECTORY, () => parent, rockRidge ? [px(parent.node), tf] : null),
    ]
    for (const r of d.children) {
      const entries = rockRidge ? [px(r.node), tf, ...nmEntries(r.node.name)] : null
      if (r.dir) {
        const dir = r.dir
        out.push(pending(r.identifier, FLAG_DIRECTORY, () => dir, entries))
      } else if (r.node.type === 'symlink') {
        // No data; like an empty file it points past the metadata (libarchive wants CE areas before the extent).
        out.push(pending(r.identifier, 0, () => ({ extent: dataStart, size: 0 }), entries ? [...entries, ...slEntries(r.node.target)] : null))
      } else {
        const placed = extentOf.get(r.node)!
        out.push(pending(r.identifier, 0, () => placed, entries))
      }
    }
    return out
  }

  const primaryRecords = primary.map((d) => recordsOf(d, true))
  const jolietRecords = joliet.map((d) => recordsOf(d, false))
  primary.forEach((d, i) => (d.size = directorySize(primaryRecords[i])))
  joliet.forEach((d, i) => (d.size = directorySize(jolietRecords[i])))

  // Sector allocation.
  let sector = SYSTEM_AREA_SECTORS
  const pvdSector = sector++
  // El Torito 2.0: the Boot Record Volume Descriptor is at sector 17, right after the PVD.
  if (opts.bootRecord) sector++
  const svdSector = sector++
  const terminatorSector = sector++
  const primaryPtSize = pathTableSize(primary.map((d) => d.identifier.length))
  const jolietPtSize = pathTableSize(joliet.map((d) => d.identifier.length))
  const place = (bytes: number): number => {
    const at = sector
    sector += sectorsFor(bytes)
    return at
  }
  const primaryL = place(primaryPtSize)
  const primaryM = place(primaryPtSize)
  const jolietL = place(jolietPtSize)
  const jolietM = place(jolietPtSize)
  // Each primary directory is followed by the Continuation Areas of its records, packed one after another and
  // none crossing a sector boundary (SUSP 5.1). libarchive reads CE areas only right after the directory that
  // points at them (as genisoimage lays them out), so they cannot be gathered elsewhere.
  const areas: { record: PendingRecord; index: number; at: number }[] = []
  primary.forEach((d, i) => {
    d.extent = place(d.size)
    const start = sector
    let pos = 0
    for (const r of primaryRecords[i]) {
      if (!r.su) continue
      r.su.areas.forEach((_, j) => {
        const len = areaLength(r.su!, j)
        if ((pos % SECTOR_SIZE) + len > SECTOR_SIZE) pos = sectorsFor(pos) * SECTOR_SIZE
        r.areaPlaces.push({ block: start + Math.floor(pos / SECTOR_SIZE), offset: pos % SECTOR_SIZE })
        areas.push({ record: r, index: j, at: start * SECTOR_SIZE + pos })
        pos += len
      })
    }
    sector += sectorsFor(pos)
  })
  for (const d of joliet) d.extent = place(d.size)

  dataStart = sector
  for (const f of files) {
    // An empty file takes no sector but still points past the metadata, as genisoimage does: libarchive refuses
    // a file whose CE area lies at or after its extent, which location 0 would be.
    f.extent = sector
    sector += sectorsFor(f.size)
    if (sector > MAX_SECTORS) {
      throw new IsoWriteError('IMAGE_TOO_LARGE', `the image would exceed ${MAX_SECTORS} sectors of ${SECTOR_SIZE} bytes`)
    }
  }
  const tail = opts.tailSectors ? Buffer.alloc(opts.tailSectors * SECTOR_SIZE) : undefined
  sector += opts.tailSectors ?? 0
  const totalSectors = sector

  // Bytes of everything before the file contents.
  const head = Buffer.alloc(dataStart * SECTOR_SIZE)
  const at = (s: number): number => s * SECTOR_SIZE
  const ptEntries = (dirs: HierDir[]): PathTableEntry[] =>
    dirs.map((d) => ({ identifier: d.identifier, extent: d.extent, parent: d.parent ? d.parent.number : 1 }))
  pathTable(ptEntries(primary), 'L').copy(head, at(primaryL))
  pathTable(ptEntries(primary), 'M').copy(head, at(primaryM))
  pathTable(ptEntries(joliet), 'L').copy(head, at(jolietL))
  pathTable(ptEntries(joliet), 'M').copy(head, at(jolietM))
  primary.forEach((d, i) => serializeDirectory(primaryRecords[i], d.size, recorded).copy(head, at(d.extent)))
  joliet.forEach((d, i) => serializeDirectory(jolietRecords[i], d.size, recorded).copy(head, at(d.extent)))
  for (const a of areas) {
    const su = a.record.su!
    const parts = [...su.areas[a.index]]
    if (a.index < su.areas.length - 1) {
      const next = a.record.areaPlaces[a.index + 1]
      parts.push(ceEntry(next.block, next.offset, areaLength(su, a.index + 1)))
    }
    Buffer.concat(parts).copy(head, a.at)
  }

  const rootRecord = (d: HierDir): Buffer =>
    directoryRecord({ extent: d.extent, dataLength: d.size, recorded, flags: FLAG_DIRECTORY, identifier: SELF_IDENTIFIER })
  const common = { volumeId: opts.volumeId, volumeSpaceSize: totalSectors, epoch: opts.epoch }
  primaryVolumeDescriptor({
    ...common,
    pathTableSize: primaryPtSize,
    lPathTable: primaryL,
    mPathTable: primaryM,
    rootRecord: rootRecord(primary[0]),
  }).copy(head, at(pvdSector))
  jolietVolumeDescriptor({
    ...common,
    pathTableSize: jolietPtSize,
    lPathTable: jolietL,
    mPathTable: jolietM,
    rootRecord: rootRecord(joliet[0]),
  }).copy(head, at(svdSector))
  terminatorVolumeDescriptor().copy(head, at(terminatorSector))

  return { head, dataStart, files, tail, totalSectors, size: totalSectors * SECTOR_SIZE }
}
