// out/bundle.tar.gz or out/bundle.zip: the node folders (with their seed ISOs when rendered) in one archive that
// is the same bytes every time for the same inputs:
//   - entries in a fixed order: node folders by name, then each folder depth-first with names in byte order;
//   - every mtime is SOURCE_DATE_EPOCH when it is set; otherwise each file carries its own mtime (whole seconds), and
//     folders and the manifest the newest of them: a file that changed has a newer time (`cp -u` and rsync's
//     size+time check see it), while a bundle of unchanged output (render leaves unchanged files untouched) is the
//     same bytes again;
//   - owner uid/gid 0, user/group names "root" (tar); no extra fields, times in UTC (zip);
//   - modes 0755 for folders; files 0644, 0755 when executable, and 0600 / 0700 for files that only their owner
//     may read (the rendered files holding a password hash), whatever the umask of the machine;
//   - gzip framing with fixed header fields (gzip-member.ts);
//   - a manifest.json of the bundled files (path, size, mode, sha256) as the last entry.
// The archive is written into a staging folder of the output folder's state (the caller switches it in: see
// pipeline/bundle-cluster.ts); it is 0600 when any entry is.
import { createReadStream, createWriteStream, type Stats } from 'node:fs'
import { chmod, lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TarArchive, ZipArchive, type Archiver, type EntryData } from 'archiver'
import { BAI_SEED_VERSION } from '../version.js'
import { gzipTo } from './gzip-member.js'
import { sha256File, type Manifest } from './manifest.js'
import { PUBLIC_DIR, PUBLIC_FILE, copyMode, fileMode, isSecretMode } from './file-mode.js'
import { bundleFile } from '../model/output-layout.js'

export type BundleFormat = 'tar.gz' | 'zip'

export interface BundleEntry {
  /** '/'-separated; folders end with '/'. */
  name: string
  type: 'file' | 'directory'
  mode: number
  size: number
  /** Absolute path on disk (files only). */
  source?: string
  /** The file's mtime on disk, whole seconds (files only). */
  mtime?: number
}

export interface BundleRequest {
  dir: string
  /** The one top-level folder of the archive (the cluster name), so unpacking it makes one folder. */
  root: string
  hostnames: string[]
  format: BundleFormat
  /** SOURCE_DATE_EPOCH for every entry, or null: each file its own mtime (see the head of this file). */
  epoch: number | null
  /** An empty folder of this run on the output's file system (the output folder's state: output-state.ts). */
  stagingDir: string
}

export interface BundleResult {
  /** Where it was written: `bundle.<format>` in the staging folder, to be switched in by the caller. */
  path: string
  /** 0600 when any entry holds a secret, else 0644. */
  mode: number
  entries: BundleEntry[]
}

export const BUNDLE_MANIFEST = 'manifest.json'

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The mode written into the archive, from the mode on disk: only "executable" and "private" are kept, private
 * meaning not readable by others (a 0640 file becomes 0600: never looser than on disk).
 */
export function archiveMode(diskMode: number, type: 'file' | 'directory'): number {
  if (type === 'directory') return PUBLIC_DIR
  return copyMode(diskMode)
}

async function walk(dir: string, name: string, out: BundleEntry[]): Promise<void> {
  out.push({ name: `${name}/`, type: 'directory', mode: PUBLIC_DIR, size: 0 })
  const children = (await readdir(dir)).sort(byteOrder)
  for (const child of children) {
    // Dot-files are staging leftovers, never rendered artifacts.
    if (child.startsWith('.')) continue
    const full = join(dir, child)
    const st = await lstat(full)
    if (st.isDirectory()) await walk(full, `${name}/${child}`, out)
    else if (st.isFile()) out.push({ name: `${name}/${child}`, type: 'file', mode: archiveMode(st.mode, 'file'), size: st.size, source: full, mtime: Math.floor(st.mtimeMs / 1000) })
    else throw new Error(`${full}: not a regular file or folder; a bundle holds only rendered files`)
  }
}

async function collectBundleEntries(dir: string, root: string, hostnames: string[]): Promise<BundleEntry[]> {
  const entries: BundleEntry[] = [{ name: `${root}/`, type: 'directory', mode: PUBLIC_DIR, size: 0 }]
  for (const host of [...new Set(hostnames)].sort(byteOrder)) {
    const st = await lstat(join(dir, host)).catch(() => null)
    if (!st?.isDirectory()) throw new Error(`${join(dir, host)}/ is missing: render the node first`)
    await walk(join(dir, host), `${root}/${host}`, entries)
  }
  return entries
}

/** The bundle's manifest.json, beside the node folders; paths are relative to it. */
async function bundleManifest(root: string, entries: BundleEntry[]): Promise<Buffer> {
  const files = []
  for (const e of entries) {
    if (e.type !== 'file') continue
    files.push({ path: e.name.slice(root.length + 1), size: e.size, mode: e.mode.toString(8).padStart(4, '0'), sha256: await sha256File(e.source!) })
  }
  const manifest: Manifest = { format: 1, generator: `bai-seed ${BAI_SEED_VERSION}`, files }
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n')
}

/** Opens the file only when the archiver reaches the entry, so a large cluster does not hold every file open. */
function lazyFile(path: string): Readable {
  return Readable.from(
    (async function* () {
      yield* createReadStream(path, { highWaterMark: 1 << 20 })
    })(),
  )
}

// archiver passes these tar header fields through to tar-stream; its EntryData type does not list them.
type TarEntryFields = EntryData & { uid: number; gid: number; uname: string; gname: string }

function appendEntries(archive: Archiver, format: BundleFormat, root: string, entries: BundleEntry[], manifest: Buffer, epoch: number | null): void {
  const owner = format === 'tar.gz' ? { uid: 0, gid: 0, uname: 'root', gname: 'root' } : {}
  const newest = entries.reduce((max, e) => Math.max(max, e.mtime ?? 0), 0)
  const date = new Date((epoch ?? newest) * 1000)
  for (const e of entries) {
    const entryDate = epoch === null && e.mtime !== undefined ? new Date(e.mtime * 1000) : date
    const data = { name: e.name, type: e.type, mode: e.mode, date: entryDate, ...owner } as TarEntryFields
    if (e.type === 'directory') archive.append(Buffer.alloc(0), data)
    // tar needs the size up front to stream an entry; archiver takes it from `stats`.
    else archive.append(lazyFile(e.source!), { ...data, stats: { size: e.size } as Stats })
  }
  archive.append(manifest, { name: `${root}/${BUNDLE_MANIFEST}`, type: 'file', mode: PUBLIC_FILE, date, ...owner } as TarEntryFields)
}

export async function writeBundle(request: BundleRequest): Promise<BundleResult> {
  const entries = await collectBundleEntries(request.dir, request.root, request.hostnames)
  const manifest = await bundleManifest(request.root, entries)
  const tmp = join(request.stagingDir, bundleFile(request.format))
  // Readable by its owner only when any entry is: the archive holds what they hold.
  const mode = fileMode(entries.some((e) => e.type === 'file' && isSecretMode(e.mode)))
  const out = createWriteStream(tmp, { mode, flags: 'wx' })
  const archive = request.format === 'zip' ? new ZipArchive({ zlib: { level: 9 } }) : new TarArchive()
  // A missing or unreadable file must fail the bundle, not leave a hole in it.
  archive.on('warning', (e) => archive.emit('error', e))
  const written = request.format === 'zip' ? pipeline(archive, out) : gzipTo(archive, out)
  appendEntries(archive, request.format, request.root, entries, manifest, request.epoch)
  await Promise.all([written, archive.finalize()])
  await chmod(tmp, mode)
  return { path: tmp, entries, mode }
}
