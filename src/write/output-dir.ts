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
import { lstatSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { isNodeUnit, makeManifest, manifestText, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest.js'
import { directSink, type FileSink, type SinkSettings } from './file-sink.js'
import type { NodeOutput } from './node-files.js'
import { createFileExclusive } from './exclusive-file.js'
import { writeOutputFiles, type OutputFile } from './output-file.js'
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
    const settings = { stagingDir: join(options.dir, staging), epoch: options.epoch, seedIsos: options.seedIsos ?? false }
    sink = options.sink ? options.sink(settings) : (directSink(settings) as unknown as FileSink<T>)
    const swapped: Journal['swapped'] = []
    for await (const node of nodes) {
      swapped.push({ name: node.hostname, existed: ownership.claim(node.hostname) })
      await sink.write(node)
    }
    const written = await sink.finish()
    const writtenUnits = new Set(swapped.map((s) => s.name))

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
    commit(folder, staging, manifest, swapped, staleRemoved)
    staging = undefined
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
    const sha = (f: Omit<OutputFile, 'path'>): string => f.sha256 ?? createHash('sha256').update(f.data).digest('hex')
    const swapped: Journal['swapped'] = []
    const unchanged: ManifestEntry[] = []
    const changed: Omit<OutputFile, 'path'>[] = []
    for (const f of files) {
      if (!inSet(f.manifestPath)) throw new Error(`internal: ${f.manifestPath} is not under ${prefix}/`)
      const existed = ownership.claimFile(f.manifestPath)
      const before = ownership.paths.get(f.manifestPath)
      const onDisk = existed ? lstatSync(join(options.dir, f.manifestPath)) : null
      if (before && onDisk?.isFile() && before.sha256 === sha(f) && before.mode === modeString(f.mode) && onDisk.size === f.data.length &&
        (onDisk.mode & 0o777) === f.mode) {
        unchanged.push(before)
        continue
      }
      changed.push(f)
      swapped.push({ name: f.manifestPath, existed })
    }
    const wanted = new Set(files.map((f) => f.manifestPath))
    const removed = [...ownership.paths.keys()].filter((p) => inSet(p) && !wanted.has(p) && ownership.claimFile(p))
    staging = folder.tempDir()
    const root = join(options.dir, staging)
    const written = writeOutputFiles(changed.map((f) => ({ ...f, path: join(root, ...f.manifestPath.split('/')) })))
    const carried = carriedOver(folder, (_, path) => inSet(path))
    const manifest = makeManifest([...carried, ...unchanged, ...written])
    commit(folder, staging, manifest, swapped, removed)
    staging = undefined
    return {
      manifest,
      written: swapped.map((s) => s.name),
      removed,
      unchanged: unchanged.map((e) => e.path),
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
export function commitStaged(folder: OutputFolder, staging: string, entries: ManifestEntry[]): Manifest {
  const paths = new Set(entries.map((e) => e.path))
  const swapped = entries.map((e) => ({ name: e.path, existed: folder.ownership.claimFile(e.path) }))
  const manifest = makeManifest([...carriedOver(folder, (_, path) => paths.has(path)), ...entries])
  commit(folder, staging, manifest, swapped, [])
  return manifest
}

export { withOutputFolder }
