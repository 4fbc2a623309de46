// Reads an ISO 9660 image without mounting it: the Primary Volume Descriptor, the directory tree with Rock Ridge
// names, modes and symbolic links (SUSP NM, PX, SL, CE; ECMA-119 9.1, IEEE P1282), falling back to the Joliet tree
// (UCS-2 names) and then to plain ISO names, and the El Torito boot catalog. Only descriptors, directories and the
// catalog are read (positional reads of a few sectors); file contents stay in the image and are copied later.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs'
import { SECTOR_SIZE } from './constants.js'
import { PUBLIC_DIR, PUBLIC_FILE } from '../write/file-mode.js'

export { SECTOR_SIZE }


export class IsoReadError extends Error {}

export interface IsoFile {
  type: 'file'
  /** "/"-separated path from the root, e.g. "isolinux/isolinux.bin". */
  path: string
  extent: number
  size: number
  mode: number
}
export interface IsoDir {
  type: 'directory'
  path: string
  mode: number
}
export interface IsoSymlink {
  type: 'symlink'
  path: string
  target: string
  /** Permission bits from PX (0777 when none). */
  mode: number
}
export type IsoTreeEntry = IsoFile | IsoDir | IsoSymlink

export interface BootEntry {
  /** 0 BIOS x86, 0xEF EFI. */
  platform: number
  bootable: boolean
  /** 0 no emulation. */
  media: number
  loadSegment: number
  /** 512-byte sectors loaded (the catalog's sector count). */
  sectorCount: number
  lba: number
}

export interface IsoImage {
  file: string
  size: number
  volumeId: string
  /** Sectors in the ISO 9660 volume (PVD volume space size); an image can hold more (appended partitions). */
  volumeSectors: number
  entries: IsoTreeEntry[]
  names: 'rock-ridge' | 'joliet' | 'iso9660'
  boot: { catalogLba: number; entries: BootEntry[] } | null
  /** The first 32 KiB (System Area: MBR, GPT). */
  systemArea: Buffer
}

class Image {
  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

  read(offset: number, length: number): Buffer {
    if (offset + length > this.size) throw new IsoReadError(`reads past the end of the image (byte ${offset + length} of ${this.size})`)
    const buf = Buffer.alloc(length)
    let done = 0
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done)
      if (n === 0) throw new IsoReadError('unexpected end of file')
      done += n
    }
    return buf
  }

  sectors(lba: number, count: number): Buffer {
    return this.read(lba * SECTOR_SIZE, count * SECTOR_SIZE)
  }
}

interface RawRecord {
  extent: number
  size: number
  flags: number
  name: Buffer
  systemUse: Buffer
}

function records(img: Image, extent: number, size: number): RawRecord[] {
  const data = img.read(extent * SECTOR_SIZE, Math.ceil(size / SECTOR_SIZE) * SECTOR_SIZE)
  const out: RawRecord[] = []
  let pos = 0
  while (pos < size) {
    const len = data[pos]!
    if (len === 0) {
      // Records never cross a sector boundary: the rest of this sector is padding.
      pos = (Math.floor(pos / SECTOR_SIZE) + 1) * SECTOR_SIZE
      continue
    }
    if (len < 34 || pos + len > data.length) throw new IsoReadError(`bad directory record at sector ${extent}`)
    const nameLen = data[pos + 32]!
    const suStart = pos + 33 + nameLen + (nameLen % 2 === 0 ? 1 : 0)
    out.push({
      extent: data.readUInt32LE(pos + 2),
      size: data.readUInt32LE(pos + 10),
      flags: data[pos + 25]!,
      name: data.subarray(pos + 33, pos + 33 + nameLen),
      systemUse: data.subarray(suStart, pos + len),
    })
    pos += len
  }
  return out
}

interface Susp {
  name?: string
  mode?: number
  symlink?: string
  relocated?: boolean
}

/** SUSP entries of one record, following CE continuation areas. */
function suspEntries(img: Image, su: Buffer, skip: number): { sig: string; data: Buffer }[] {
  const out: { sig: string; data: Buffer }[] = []
  let area: Buffer | null = su.subarray(skip)
  let guard = 0
  while (area && guard++ < 64) {
    let next: Buffer | null = null
    let pos = 0
    while (pos + 4 <= area.length) {
      const sig = area.toString('latin1', pos, pos + 2)
      const len = area[pos + 2]!
      if (len < 4 || pos + len > area.length) break
      const data = area.subarray(pos, pos + len)
      if (sig === 'ST') break
      if (sig === 'CE') next = img.read(data.readUInt32LE(4) * SECTOR_SIZE + data.readUInt32LE(12), data.readUInt32LE(20))
      else out.push({ sig, data })
      pos += len
    }
    area = next
  }
  return out
}

function rockRidge(img: Image, su: Buffer, skip: number): Susp {
  const r: Susp = {}
  let name = ''
  let link: string[] | null = null
  let component = ''
  for (const { sig, data } of suspEntries(img, su, skip)) {
    if (sig === 'NM') {
      const flags = data[4]!
      if (!(flags & 0x06)) name += data.toString('utf8', 5)
    } else if (sig === 'PX') r.mode = data.readUInt32LE(4)
    else if (sig === 'RE') r.relocated = true
    else if (sig === 'SL') {
      link ??= []
      let pos = 5
      while (pos + 2 <= data.length) {
        const flags = data[pos]!
        const len = data[pos + 1]!
        const text = data.toString('utf8', pos + 2, pos + 2 + len)
        if (flags & 0x02) component += '.'
        else if (flags & 0x04) component += '..'
        else if (flags & 0x08) link.push('')
        else component += text
        if (!(flags & 0x01)) {
          if (!(flags & 0x08)) link.push(component)
          component = ''
        }
        pos += 2 + len
      }
    }
  }
  if (name) r.name = name
  if (link) r.symlink = link.length > 0 && link[0] === '' ? `/${link.slice(1).join('/')}` : link.join('/')
  return r
}

function isoName(name: Buffer, dir: boolean): string {
  let text = name.toString('latin1')
  if (!dir) text = text.replace(/;\d+$/, '').replace(/\.$/, '')
  return text.toLowerCase()
}

function volumeDescriptors(img: Image): Buffer[] {
  const out: Buffer[] = []
  for (let lba = 16; lba < 16 + 64; lba++) {
    const vd = img.sectors(lba, 1)
    if (vd.toString('latin1', 1, 6) !== 'CD001') throw new IsoReadError(`sector ${lba} is not a volume descriptor: not an ISO 9660 image`)
    if (vd[0] === 255) return out
    out.push(vd)
  }
  throw new IsoReadError('no volume descriptor set terminator')
}

function bootCatalog(img: Image, lba: number): BootEntry[] {
  const cat = img.sectors(lba, 1)
  if (cat[0] !== 1 || cat[30] !== 0x55 || cat[31] !== 0xaa) throw new IsoReadError('El Torito boot catalog has no validation entry')
  const entry = (at: number, platform: number): BootEntry => ({
    platform,
    bootable: cat[at] === 0x88,
    media: cat[at + 1]! & 0x0f,
    loadSegment: cat.readUInt16LE(at + 2),
    sectorCount: cat.readUInt16LE(at + 6),
    lba: cat.readUInt32LE(at + 8),
  })
  const entries = [entry(32, cat[1]!)]
  let at = 64
  while (at + 32 <= SECTOR_SIZE && (cat[at] === 0x90 || cat[at] === 0x91)) {
    const last = cat[at] === 0x91
    const platform = cat[at + 1]!
    const count = cat.readUInt16LE(at + 2)
    at += 32
    for (let i = 0; i < count && at + 32 <= SECTOR_SIZE; i++, at += 32) entries.push(entry(at, platform))
    if (last) break
  }
  return entries
}

export function readIso(file: string): IsoImage {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    if (size < 17 * SECTOR_SIZE) throw new IsoReadError(`${size} bytes: too small for an ISO 9660 image`)
    const img = new Image(fd, size)
    const vds = volumeDescriptors(img)
    const pvd = vds.find((v) => v[0] === 1)
    if (!pvd) throw new IsoReadError('no Primary Volume Descriptor')
    const joliet = vds.find((v) => v[0] === 2 && v[88] === 0x25 && v[89] === 0x2f && [0x40, 0x43, 0x45].includes(v[90]!))
    const brvd = vds.find((v) => v[0] === 0 && v.toString('latin1', 7, 30) === 'EL TORITO SPECIFICATION')
    const rootOf = (vd: Buffer): { extent: number; size: number } => ({ extent: vd.readUInt32LE(156 + 2), size: vd.readUInt32LE(156 + 10) })

    // Rock Ridge: the root's "." record starts with SP (SUSP 5.3) and the tree has RR entries.
    const root = rootOf(pvd)
    const rootSelf = records(img, root.extent, root.size)[0]!
    const sp = rootSelf.systemUse.length >= 7 && rootSelf.systemUse.toString('latin1', 0, 2) === 'SP' ? rootSelf.systemUse[6]! : null
    const names: IsoImage['names'] = sp !== null ? 'rock-ridge' : joliet ? 'joliet' : 'iso9660'
    const entries: IsoTreeEntry[] = []
    const walk = (extent: number, dirSize: number, prefix: string, jol: boolean, depth: number): void => {
      if (depth > 64) throw new IsoReadError('directories nested deeper than 64 levels')
      for (const r of records(img, extent, dirSize).slice(2)) {
        const dir = (r.flags & 0x02) !== 0
        if (r.flags & 0x80) throw new IsoReadError(`${prefix}${r.name.toString('latin1')}: multi-extent files are not supported`)
        let name: string
        let mode = dir ? PUBLIC_DIR : PUBLIC_FILE
        if (names === 'rock-ridge') {
          const rr = rockRidge(img, r.systemUse, sp!)
          if (rr.relocated) continue
          name = rr.name ?? isoName(r.name, dir)
          if (rr.mode !== undefined) mode = rr.mode & 0o7777
          if (rr.symlink !== undefined) {
            entries.push({ type: 'symlink', path: prefix + name, target: rr.symlink, mode: rr.mode !== undefined ? rr.mode & 0o7777 : 0o777 })
            continue
          }
        } else if (jol) {
          name = Buffer.from(r.name.subarray(0, r.name.length - (r.name.length % 2))).swap16().toString('utf16le').replace(/;\d+$/, '')
        } else name = isoName(r.name, dir)
        const path = prefix + name
        if (dir) {
          entries.push({ type: 'directory', path, mode })
          walk(r.extent, r.size, `${path}/`, jol, depth + 1)
        } else {
          if (r.size > 0 && (r.extent + Math.ceil(r.size / SECTOR_SIZE)) * SECTOR_SIZE > size) throw new IsoReadError(`${path}: its data lies past the end of the image`)
          entries.push({ type: 'file', path, extent: r.extent, size: r.size, mode })
        }
      }
    }
    if (names === 'joliet') {
      const j = rootOf(joliet!)
      walk(j.extent, j.size, '', true, 0)
    } else walk(root.extent, root.size, '', false, 0)

    let boot: IsoImage['boot'] = null
    if (brvd) {
      const catalogLba = brvd.readUInt32LE(0x47)
      boot = { catalogLba, entries: bootCatalog(img, catalogLba) }
    }
    return {
      file,
      size,
      volumeId: pvd.toString('latin1', 40, 72).trimEnd(),
      volumeSectors: pvd.readUInt32LE(80),
      entries,
      names,
      boot,
      systemArea: img.read(0, 16 * SECTOR_SIZE),
    }
  } finally {
    closeSync(fd)
  }
}

/** Reads `length` bytes at `offset` of the image file (boot images and configs that are patched). */
export function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    return new Image(fd, fstatSync(fd).size).read(offset, length)
  } finally {
    closeSync(fd)
  }
}
