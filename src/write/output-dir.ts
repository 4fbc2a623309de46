// Writes rendered output into the output folder so that no run loses or leaks a file. Every writer opens the folder
// the same way (output-folder.ts: guard, ownership, lock, repair, clean-up) and switches its files in the same way
// (output-journal.ts: staged in `.bai-seed/`, swapped, manifest.json renamed into place last as the one commit):
//   - writeOutput: whole node folders (render; one unit per node), replacing or removing only what the previous
//     manifest lists (output-ownership.ts), unless --force; the manifest lists the files written now plus the other
//     nodes' entries carried over from the previous one, so `render --node X` reads and hashes nothing of the others;
//   - writeFileSet: single files under one folder (the PXE tree, which shares `pxe/` with the operator's loaders and
//     the install markers): only the files the manifest lists are replaced or removed, a file in the way that it does
//     not list stops the run, and nothing else in the folder is moved;
//   - commitStaged: single files staged by the writer (a bundle, the installer ISO) switched in the same way.
// Nodes are taken one at a time from an iterable (or an async one), so a large cluster's files need not all be in
// memory at once.
import { lstatSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { isNodeUnit, makeManifest, manifestText, sha256File, unitOf, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest.js'
import { directSink, type FileSink, type SinkSettings } from './file-sink.js'
import type { NodeOutput } from './node-files.js'
import { createFileExclusive } from './exclusive-file.js'
import { previousFiles, writeOutputFiles, type OutputFile, type WrittenEntry } from './output-file.js'
import { openOutputFolder, withOutputFolder, type OpenOptions, type OutputFolder } from './output-folder.js'
import { switchOutput, type Journal } from './output-journal.js'
import { asOutputError } from '../diagnostics/errors.js'
import { PUBLIC_FILE, modeString } from './file-mode.js'

export type { NodeOutput } from './node-files.js'

export interface WriteOptions extends OpenOptions {
  epoch: number
  /** Also write autoinstall.iso and cloud-init.iso into each node folder. */
  seedIsos?: boolean
  /**
   * Every node of the inventory: node folders of earlier renders not in it are stale, and removed (or kept with
   * `keepStale`). Without it nothing is stale.
   */
  known?: ReadonlySet<string>
  keepStale?: boolean
}

/** writeOutput of other things than rendered nodes (plans: src/pipeline/render-pool.ts), by the sink that writes them. */
export interface SinkOption<T> {
  sink: (settings: SinkSettings) => FileSink<T>
}

export interface OutputResult {
  manifest: Manifest
  /** Stale node folders of earlier renders removed now / kept (--keep-stale). */
  staleRemoved: string[]
  staleKept: string[]
  /** Temporaries of killed runs removed, and what was done to a switch a killed run left half-way. */
  cleaned: string[]
  repaired: 'rolled back' | 'completed' | null
}

/** Puts `manifest` into the staging folder and switches the staged entries in (output-journal.ts). */
function commit(folder: OutputFolder, staging: string, manifest: Manifest, swapped: Journal['swapped'], removed: string[]): void {
  createFileExclusive(join(folder.dir, staging, MANIFEST_NAME), manifestText(manifest), PUBLIC_FILE)
  switchOutput(folder.dir, { staging, swapped, removed })
}

/** Whether `manifest` is the folder's manifest.json as it stands (then it is not written again). */
function sameManifest(folder: OutputFolder, manifest: Manifest): boolean {
  return folder.previous !== null && manifestText(folder.previous) === manifestText(manifest)
}

/**
 * Whether `unit`'s folder in the output is already what was written now: every file kept (identical to the previous
 * render's, output-file.ts), the previous manifest listing exactly these, and nothing else in the folder.
 */
function unitUnchanged(outDir: string, unit: string, written: readonly WrittenEntry[], previous: readonly ManifestEntry[] | undefined): boolean {
  if (!previous || previous.length !== written.length || written.some((e) => !e.kept)) return false
  const wanted = new Set(written.map((e) => e.path))
  const folders = new Set(written.flatMap((e) => e.path.split('/').slice(1, -1).map((_, i, parts) => `${unit}/${parts.slice(0, i + 1).join('/')}`)))
  const walk = (dir: string, rel: string): boolean => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = `${rel}/${d.name}`
      if (d.isDirectory() ? !folders.has(path) || !walk(join(dir, d.name), path) : !wanted.has(path)) return false
    }
    return true
  }
  try {
    return walk(join(outDir, unit), unit)
  } catch {
    return false
  }
}

/** Entries of the previous manifest outside `skip` whose unit is still there (removed by hand: dropped). */
function carriedOver(folder: OutputFolder, skip: (unit: string, path: string) => boolean): ManifestEntry[] {
  const carried: ManifestEntry[] = []
  for (const [unit, entries] of folder.ownership.units) {
    try {
      lstatSync(join(folder.dir, unit))
    } catch {
      continue
    }
    carried.push(...entries.filter((e) => !skip(unit, e.path)))
  }
  return carried
}

export async function writeOutput(nodes: Iterable<NodeOutput> | AsyncIterable<NodeOutput>, options: WriteOptions): Promise<OutputResult>
export async function writeOutput<T extends { hostname: string }>(nodes: Iterable<T> | AsyncIterable<T>, options: WriteOptions & SinkOption<T>): Promise<OutputResult>
export async function writeOutput<T extends { hostname: string }>(
  nodes: Iterable<T> | AsyncIterable<T>,
  options: WriteOptions & Partial<SinkOption<T>>,
): Promise<OutputResult> {
  const folder = await openOutputFolder(options)
  let staging: string | undefined
  let sink: FileSink<T> | undefined
  try {
    const { ownership } = folder
    staging = folder.tempDir()
    const settings = { stagingDir: join(options.dir, staging), outDir: options.dir, epoch: options.epoch, seedIsos: options.seedIsos ?? false }
    sink = options.sink ? options.sink(settings) : (directSink(settings) as unknown as FileSink<T>)
    const claimed: Journal['swapped'] = []
    for await (const node of nodes) {
      const existed = ownership.claim(node.hostname)
      claimed.push({ name: node.hostname, existed })
      // The node's files of the previous render: those that come out identical are kept (output-file.ts).
      await sink.write(node, existed ? ownership.units.get(node.hostname) : undefined)
    }
    const writtenKept = await sink.finish()
    const writtenUnits = new Set(claimed.map((s) => s.name))
    // A node folder that is already exactly what this render made is not swapped: it stays as it is, untouched.
    const byUnit = new Map<string, WrittenEntry[]>()
    for (const e of writtenKept) {
      const unit = unitOf(e.path)
      let list = byUnit.get(unit)
      if (!list) byUnit.set(unit, (list = []))
      list.push(e)
    }
    const swapped = claimed.filter((c) => !(c.existed && unitUnchanged(options.dir, c.name, byUnit.get(c.name) ?? [], ownership.units.get(c.name))))
    const written: ManifestEntry[] = writtenKept.map(({ kept: _kept, ...e }) => e)

    const staleRemoved: string[] = []
    const staleKept: string[] = []
    if (options.known) {
      for (const [unit, entries] of ownership.units) {
        if (writtenUnits.has(unit) || options.known.has(unit) || !isNodeUnit(entries.map((e) => e.path))) continue
        if (options.keepStale) staleKept.push(unit)
        else if (ownership.claim(unit, 'pass --keep-stale to keep it, or --force to remove it')) staleRemoved.push(unit)
      }
    }
    const carried = carriedOver(folder, (unit) => writtenUnits.has(unit) || staleRemoved.includes(unit))
    const manifest = makeManifest([...carried, ...written])
    // A render that changes nothing switches nothing: manifest.json too stays as it is (staging removed below).
    if (swapped.length > 0 || staleRemoved.length > 0 || !sameManifest(folder, manifest)) {
      commit(folder, staging, manifest, swapped, staleRemoved)
      staging = undefined
    }
    return { manifest, staleRemoved, staleKept: staleKept.sort(), cleaned: folder.cleaned, repaired: folder.repaired }
  } catch (e) {
    throw asOutputError(e, options.dir, '; the previous output is unchanged')
  } finally {
    await sink?.dispose()
    if (staging) rmSync(join(options.dir, staging), { recursive: true, force: true })
    folder.release()
  }
}

export interface FileSetResult {
  manifest: Manifest
  /** Files of the set (paths inside the output folder) replaced, added, removed, and left as they were. */
  written: string[]
  removed: string[]
  unchanged: string[]
  cleaned: string[]
  repaired: 'rolled back' | 'completed' | null
}

/**
 * Makes the files under `<dir>/<prefix>/` that the manifest lists exactly `files` (paths relative to the output
 * folder, each starting with `<prefix>/`), in one switch: files the manifest lists and `files` does not are removed,
 * files whose bytes and mode are unchanged are left alone, and a file in the way that the manifest does not list (an
 * operator's `pxelinux.cfg/default`) stops the run with nothing changed. Files under `<prefix>/` that the manifest
 * does not list are never touched. `makeFiles` is called once the folder is open and locked.
 */
export async function writeFileSet(
  prefix: string,
  makeFiles: (folder: OutputFolder) => readonly Omit<OutputFile, 'path'>[],
  options: OpenOptions,
): Promise<FileSetResult> {
  const folder = await openOutputFolder({ ...options, force: false })
  let staging: string | undefined
  try {
    const { ownership } = folder
    const files = makeFiles(folder)
    const inSet = (path: string): boolean => path.startsWith(`${prefix}/`)
    const existed = new Map<string, boolean>()
    for (const f of files) {
      if (!inSet(f.manifestPath)) throw new Error(`internal: ${f.manifestPath} is not under ${prefix}/`)
      existed.set(f.manifestPath, ownership.claimFile(f.manifestPath))
    }
    const wanted = new Set(files.map((f) => f.manifestPath))
    const removed = [...ownership.paths.keys()].filter((p) => inSet(p) && !wanted.has(p) && ownership.claimFile(p))
    staging = folder.tempDir()
    const root = join(options.dir, staging)
    // Files identical to the ones in place (bytes and mode, on disk too) are kept: not swapped, not touched.
    const previous = previousFiles(options.dir, [...ownership.paths.values()].filter((e) => inSet(e.path) && existed.get(e.path)))
    const entries = writeOutputFiles(files.map((f) => ({ ...f, path: join(root, ...f.manifestPath.split('/')) })), previous)
    const swapped = entries.filter((e) => !e.kept).map((e) => ({ name: e.path, existed: existed.get(e.path)! }))
    const carried = carriedOver(folder, (_, path) => inSet(path))
    const manifest = makeManifest([...carried, ...entries.map(({ kept: _kept, ...e }) => e)])
    if (swapped.length > 0 || removed.length > 0 || !sameManifest(folder, manifest)) {
      commit(folder, staging, manifest, swapped, removed)
      staging = undefined
    }
    return {
      manifest,
      written: swapped.map((s) => s.name),
      removed,
      unchanged: entries.filter((e) => e.kept).map((e) => e.path),
      cleaned: folder.cleaned,
      repaired: folder.repaired,
    }
  } catch (e) {
    throw asOutputError(e, options.dir, '; the previous output is unchanged')
  } finally {
    if (staging) rmSync(join(options.dir, staging), { recursive: true, force: true })
    folder.release()
  }
}

/**
 * Switches in single files a writer staged in `staging` (a `folder.tempDir()`), each at its manifest path below
 * it (the installer ISO, a bundle), with their manifest entries; files the manifest does not list are refused
 * (claimFile) before anything is staged, by the caller. Everything else in the manifest is carried over.
 */
export async function commitStaged(folder: OutputFolder, staging: string, entries: ManifestEntry[]): Promise<Manifest> {
  const paths = new Set(entries.map((e) => e.path))
  const swapped: Journal['swapped'] = []
  for (const e of entries) {
    const existed = folder.ownership.claimFile(e.path)
    // The same file as the one in place (its manifest entry, and the bytes on disk) is left there, untouched.
    if (!existed || !(await sameAsListed(folder, e))) swapped.push({ name: e.path, existed })
  }
  const manifest = makeManifest([...carriedOver(folder, (_, path) => paths.has(path)), ...entries])
  if (swapped.length === 0 && sameManifest(folder, manifest)) rmSync(join(folder.dir, staging), { recursive: true, force: true })
  else commit(folder, staging, manifest, swapped, [])
  return manifest
}

/** Whether the file at `entry.path` is what the previous manifest lists and `entry` describes, byte for byte. */
async function sameAsListed(folder: OutputFolder, entry: ManifestEntry): Promise<boolean> {
  const before = folder.ownership.paths.get(entry.path)
  if (!before || before.sha256 !== entry.sha256 || before.size !== entry.size || before.mode !== entry.mode) return false
  const path = join(folder.dir, ...entry.path.split('/'))
  const st = lstatSync(path)
  if (!st.isFile() || st.size !== entry.size || modeString(st.mode & 0o777) !== entry.mode) return false
  return (await sha256File(path)) === entry.sha256
}

/**
 * Switches in whole top-level entries a writer staged in `staging` (a `folder.tempDir()`) under their names, and
 * removes listed ones it no longer makes (`bai-seed payload`: tree/, payload.iso, split/, thousands of files built in
 * place of a copy): `entries` are the manifest entries of every file of `units`; an entry not in `swapped` is the one
 * in place, unchanged. Each unit is claimed first (a unit the manifest does not account for is refused); the other
 * units of the manifest are carried over. Nothing is switched when nothing changed.
 */
export function commitUnits(folder: OutputFolder, staging: string, units: readonly string[], entries: ManifestEntry[], swapped: string[]): Manifest {
  const mine = new Set(units)
  const made = new Set(entries.map((e) => unitOf(e.path)))
  const swaps = swapped.map((name) => ({ name, existed: folder.ownership.claim(name) }))
  const removed = units.filter((u) => !made.has(u) && folder.ownership.claim(u))
  const manifest = makeManifest([...carriedOver(folder, (unit) => mine.has(unit)), ...entries])
  if (swaps.length === 0 && removed.length === 0 && sameManifest(folder, manifest)) rmSync(join(folder.dir, staging), { recursive: true, force: true })
  else commit(folder, staging, manifest, swaps, removed)
  return manifest
}

export { withOutputFolder }
