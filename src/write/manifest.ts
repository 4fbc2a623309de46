// manifest.json: every file in the output folder with its size, mode and sha256, sorted by path. No timestamps, so
// that identical inputs give an identical manifest.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdirSync } from 'node:fs'
import { stat, writeFile, rename } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { BAI_SEED_VERSION } from '../version.js'
import { modeString } from './output-file.js'

export const MANIFEST_NAME = 'manifest.json'

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

/**
 * The manifest of everything in `dir`. Files in `written` (by manifest path) were just written by this process
 * and are taken as they are; all others are read and hashed.
 */
async function buildManifest(dir: string, written?: ReadonlyMap<string, ManifestEntry>): Promise<Manifest> {
  const files: ManifestEntry[] = []
  for (const full of await listFiles(dir)) {
    const path = relative(dir, full).split(sep).join('/')
    const known = written?.get(path)
    if (known) {
      files.push(known)
      continue
    }
    const st = await stat(full)
    files.push({
      path,
      size: st.size,
      mode: modeString(st.mode),
      sha256: await sha256File(full),
    })
  }
  return { format: 1, generator: `bai-seed ${BAI_SEED_VERSION}`, files }
}

export async function writeManifest(dir: string, written?: ReadonlyMap<string, ManifestEntry>): Promise<Manifest> {
  const manifest = await buildManifest(dir, written)
  const tmp = join(dir, `.${MANIFEST_NAME}.tmp`)
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 })
  await rename(tmp, join(dir, MANIFEST_NAME))
  return manifest
}
