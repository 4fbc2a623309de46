// manifest.json: what bai-seed wrote into the output folder and still owns, each file with its size, mode and
// sha256, sorted by path. No timestamps, so that identical inputs give an identical manifest. It is also the record
// of ownership: a render replaces or removes only folders whose files the previous manifest lists (output-dir.ts),
// and it is the last thing a render puts in place, so it always describes a whole render (output-journal.ts).
import { createHash } from 'node:crypto'
import { createReadStream, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { BAI_SEED_VERSION } from '../version.js'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'
import { readRegularFile } from './read-regular-file.js'

export const MANIFEST_NAME = OUTPUT_LAYOUT.manifest

/** A manifest larger than this is not one bai-seed wrote (1,000 nodes take about 1.3 MiB). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024

export interface ManifestEntry {
  path: string
  size: number
  mode: string
  sha256: string
}

export interface Manifest {
  format: 1
  generator: string
  files: ManifestEntry[]
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Files under `dir`, sorted, skipping dot-entries (staging folders) and the manifest itself. */
export async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = []
  // Synchronous: a large output has thousands of folders, and each await costs a thread-pool round trip.
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const full = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await listFiles(full, root)))
    else if (e.isFile() && !(dir === root && e.name === MANIFEST_NAME)) out.push(full)
  }
  return out
}

const byPath = (a: ManifestEntry, b: ManifestEntry): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

export function makeManifest(entries: Iterable<ManifestEntry>): Manifest {
  return { format: 1, generator: `bai-seed ${BAI_SEED_VERSION}`, files: [...entries].sort(byPath) }
}

export function manifestText(manifest: Manifest): string {
  return JSON.stringify(manifest, null, 2) + '\n'
}

/** The first path segment: the node folder (or `pxe`, or a top-level file such as bundle.tar.gz) a file belongs to. */
export function unitOf(path: string): string {
  const slash = path.indexOf('/')
  return slash < 0 ? path : path.slice(0, slash)
}

/** Whether the manifest entries of a unit are a node folder's (its seeds or its script). */
export function isNodeUnit(paths: Iterable<string>): boolean {
  for (const p of paths) {
    const second = p.split('/')[1]
    if (second === 'autoinstall' || second === 'cloud-init' || second === 'provision.sh') return true
  }
  return false
}

/**
 * The manifest in `dir`, or null when there is none. A manifest that is not a regular file (a symbolic link), not
 * JSON, or not shaped like ours is ignored: it proves no ownership.
 */
export function readManifest(dir: string, maxBytes = MAX_MANIFEST_BYTES): Manifest | null {
  const buf = readRegularFile(join(dir, MANIFEST_NAME), maxBytes)
  if (!buf) return null
  try {
    const value = JSON.parse(buf.toString('utf8')) as Partial<Manifest>
    if (!Array.isArray(value.files)) return null
    const files = value.files.filter(
      (f): f is ManifestEntry =>
        !!f && typeof f.path === 'string' && typeof f.sha256 === 'string' && typeof f.size === 'number' && typeof f.mode === 'string' &&
        !f.path.split('/').some((s) => s === '' || s === '.' || s === '..'),
    )
    return { format: 1, generator: typeof value.generator === 'string' ? value.generator : '', files }
  } catch {
    return null
  }
}
