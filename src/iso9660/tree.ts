// The file tree an image is made of, built from a folder on disk and/or a list of entries. Names are kept as
// the bytes the file system gave (Rock Ridge records them as they are); modes, owners and times are not taken
// from disk, so the same contents give the same image.

import { PUBLIC_DIR, PUBLIC_FILE } from '../write/file-mode.js'
import { readdir, stat } from 'node:fs/promises'
import { lstatSync } from 'node:fs'
import { MAX_FILE_SIZE } from './constants.js'
import { IsoWriteError } from './errors.js'

export const DEFAULT_FILE_MODE = PUBLIC_FILE
export const DEFAULT_DIR_MODE = PUBLIC_DIR

interface EntryAttributes {
  /** Path inside the image, "/"-separated, e.g. "autoinstall/user-data". */
  path: string
  /** Permission bits (0..0o7777) recorded in Rock Ridge PX; default 0644 for files, 0755 for folders. */
  mode?: number
  uid?: number
  gid?: number
}

/** A file whose contents come from a file on disk (read when the image is written). */
export interface IsoSourceFileEntry extends EntryAttributes {
  type: 'file'
  source: string
}

/** A file whose contents are given in memory. */
export interface IsoContentFileEntry extends EntryAttributes {
  type: 'file'
  content: Buffer | Uint8Array | string
}

export interface IsoDirectoryEntry extends EntryAttributes {
  type: 'directory'
}

export type IsoEntry = IsoSourceFileEntry | IsoContentFileEntry | IsoDirectoryEntry

/** 'slice': `size` bytes at byte `offset` of a larger file (a file inside another image being remastered). */
export type FileSource = { kind: 'path'; path: string | Buffer } | { kind: 'data'; data: Buffer } | { kind: 'slice'; path: string; offset: number }

export interface IsoFileNode {
  type: 'file'
  name: Buffer
  size: number
  mode: number
  uid: number
  gid: number
  source: FileSource
}

export interface IsoDirNode {
  type: 'directory'
  name: Buffer
  mode: number
  uid: number
  gid: number
  /** Keyed by the name's bytes read as latin1 (a lossless string form of any byte sequence). */
  children: Map<string, IsoNode>
}

/** A symbolic link (Rock Ridge SL); plain ISO 9660 shows it as an empty file, Joliet leaves it out. */
export interface IsoSymlinkNode {
  type: 'symlink'
  name: Buffer
  mode: number
  uid: number
  gid: number
  target: Buffer
}

export type IsoNode = IsoFileNode | IsoDirNode | IsoSymlinkNode

export function emptyDir(name: Buffer): IsoDirNode {
  return { type: 'directory', name, mode: DEFAULT_DIR_MODE, uid: 0, gid: 0, children: new Map() }
}

/** Children sorted by their name bytes: the order in which names are assigned and files are laid out. */
export function sortedChildren(dir: IsoDirNode): IsoNode[] {
  return [...dir.children.values()].sort((a, b) => Buffer.compare(a.name, b.name))
}

export function displayName(node: IsoNode): string {
  return node.name.toString('utf8')
}

function checkSize(size: number, where: string): void {
  if (size > MAX_FILE_SIZE) {
    throw new IsoWriteError(
      'FILE_TOO_LARGE',
      `${where} is ${size} bytes; ISO 9660 files hold at most ${MAX_FILE_SIZE} bytes (4 GiB - 1) ` +
        'and this writer does not write multi-extent files',
    )
  }
}

const SLASH = Buffer.from('/')

/** Reads a folder recursively. Only regular files and folders are taken; anything else is an error. */
export async function scanDirectory(dir: string): Promise<IsoDirNode> {
  const root = emptyDir(Buffer.alloc(0))
  await scanInto(root, Buffer.from(dir))
  return root
}

async function scanInto(node: IsoDirNode, dirPath: Buffer): Promise<void> {
  const names = (await readdir(dirPath, { encoding: 'buffer' })).sort(Buffer.compare)
  const paths = names.map((n) => Buffer.concat([dirPath, SLASH, n]))
  // Synchronous: metadata comes from the inode cache, and a thread-pool round trip per file costs more than the call.
  const stats = paths.map((p) => lstatSync(p))
  for (let i = 0; i < names.length; i++) {
    const where = JSON.stringify(paths[i].toString('utf8'))
    const st = stats[i]
    if (st.isDirectory()) {
      const child = emptyDir(names[i])
      node.children.set(names[i].toString('latin1'), child)
      await scanInto(child, paths[i])
    } else if (st.isFile()) {
      checkSize(st.size, where)
      node.children.set(names[i].toString('latin1'), {
        type: 'file',
        name: names[i],
        size: st.size,
        mode: DEFAULT_FILE_MODE,
        uid: 0,
        gid: 0,
        source: { kind: 'path', path: paths[i] },
      })
    } else {
      const kind = st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file or folder'
      throw new IsoWriteError('UNSUPPORTED_FILE_TYPE', `${where} is ${kind}; seed images hold only files and folders`)
    }
  }
}

/** "a/b/c" -> ["a", "b", "c"]; a leading "/" or "./" is dropped; ".", ".." and empty parts are refused. */
function splitEntryPath(path: string): string[] {
  const parts = path.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').split('/')
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..' || p.includes('\0')) {
      throw new IsoWriteError('INVALID_PATH', `invalid path inside the image: ${JSON.stringify(path)}`)
    }
  }
  return parts
}

function checkId(value: number | undefined, what: string, path: string, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > max)) {
    throw new IsoWriteError('INVALID_MODE', `${what} of ${JSON.stringify(path)} must be an integer in 0..${max}`)
  }
}

async function fileFromEntry(entry: IsoSourceFileEntry | IsoContentFileEntry, name: Buffer): Promise<IsoFileNode> {
  const base = { type: 'file' as const, name, mode: entry.mode ?? DEFAULT_FILE_MODE, uid: entry.uid ?? 0, gid: entry.gid ?? 0 }
  if ('content' in entry) {
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : Buffer.from(entry.content)
    checkSize(data.length, JSON.stringify(entry.path))
    return { ...base, size: data.length, source: { kind: 'data', data } }
  }
  const st = await stat(entry.source)
  if (!st.isFile()) {
    throw new IsoWriteError('UNSUPPORTED_FILE_TYPE', `${JSON.stringify(entry.source)} is not a regular file`)
  }
  checkSize(st.size, JSON.stringify(entry.source))
  return { ...base, size: st.size, source: { kind: 'path', path: entry.source } }
}

/**
 * Adds entries to a tree (usually the scan of a folder). An entry replaces a scanned node of the same path and
 * type (e.g. to give a file mode 0600); folders on the way are created with default attributes. Two entries
 * for the same path, or a file where a folder is needed, are errors.
 */
export async function addEntries(root: IsoDirNode, entries: IsoEntry[]): Promise<void> {
  const seen = new Set<string>()
  for (const entry of entries) {
    const parts = splitEntryPath(entry.path)
    const key = parts.join('/')
    if (seen.has(key)) throw new IsoWriteError('DUPLICATE_ENTRY', `two entries for ${JSON.stringify(key)}`)
    seen.add(key)
    checkId(entry.mode, 'mode', entry.path, 0o7777)
    checkId(entry.uid, 'uid', entry.path, 0xffff_ffff)
    checkId(entry.gid, 'gid', entry.path, 0xffff_ffff)
    let dir = root
    for (const part of parts.slice(0, -1)) {
      const k = Buffer.from(part, 'utf8').toString('latin1')
      let next = dir.children.get(k)
      if (!next) {
        next = emptyDir(Buffer.from(part, 'utf8'))
        dir.children.set(k, next)
      }
      if (next.type !== 'directory') {
        throw new IsoWriteError('PATH_CONFLICT', `${JSON.stringify(entry.path)} needs a folder where a file is`)
      }
      dir = next
    }
    const name = Buffer.from(parts[parts.length - 1], 'utf8')
    const k = name.toString('latin1')
    const existing = dir.children.get(k)
    if (existing && existing.type !== entry.type) {
      throw new IsoWriteError('PATH_CONFLICT', `${JSON.stringify(entry.path)} is both a file and a folder`)
    }
    if (entry.type === 'directory') {
      const node = existing?.type === 'directory' ? existing : emptyDir(name)
      node.mode = entry.mode ?? DEFAULT_DIR_MODE
      node.uid = entry.uid ?? 0
      node.gid = entry.gid ?? 0
      dir.children.set(k, node)
    } else {
      dir.children.set(k, await fileFromEntry(entry, name))
    }
  }
}
