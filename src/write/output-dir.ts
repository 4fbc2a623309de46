// Writes rendered nodes into the output folder so that no run loses or leaks a file:
//   - never into `/`, the home folder or a folder holding the inputs (output-guard.ts);
//   - one run at a time (output-lock.ts), after repairing what a killed run left (output-journal.ts) and removing
//     stale staging folders (stale-staging.ts);
//   - replacing or removing only what the previous manifest lists (output-ownership.ts), unless --force;
//   - everything written into a staging folder inside the output folder first (same file system), then switched in
//     with the new manifest.json renamed into place last, as the one commit (output-journal.ts);
//   - the manifest lists the files written now plus the other nodes' entries carried over from the previous one,
//     so `render --node X` reads and hashes nothing of the other nodes.
// Nodes are taken one at a time from an iterable (or an async one), so a large cluster's files need not all be in
// memory at once.
import { lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isNodeUnit, makeManifest, manifestText, readManifest, unitOf, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest.js'
import { directSink, type FileSink, type SinkSettings } from './file-sink.js'
import type { NodeOutput } from './node-files.js'
import { createFileExclusive, replaceFile } from './exclusive-file.js'
import { checkOutputFolder } from './output-guard.js'
import { acquireOutputLock, withOutputLock } from './output-lock.js'
import { recoverOutput, switchOutput, type Journal } from './output-journal.js'
import { removeStaleStaging } from './stale-staging.js'
import { Ownership } from './output-ownership.js'
import { asOutputError } from '../diagnostics/errors.js'
import { createHash } from 'node:crypto'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'

export type { NodeOutput } from './node-files.js'

export interface WriteOptions {
  dir: string
  epoch: number
  /** Also write autoinstall.iso and cloud-init.iso into each node folder. */
  seedIsos?: boolean
  /** Replace folders bai-seed's manifest does not account for. */
  force?: boolean
  /**
   * Every node of the inventory: node folders of earlier renders not in it are stale, and removed (or kept with
   * `keepStale`). Without it nothing is stale (the PXE tree).
   */
  known?: ReadonlySet<string>
  keepStale?: boolean
  /** The inventory and profile folders of this run: the output folder must not hold them. */
  inputs?: { inventory?: string; profiles?: string[] }
  /** How long to wait for another run's lock. */
  lockWaitMs?: number
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
  /** Staging folders of killed runs removed, and what was done to a switch a killed run left half-way. */
  cleaned: string[]
  repaired: 'rolled back' | 'completed' | null
}

/** Before writing into `dir`: the guard, the lock, the repair and the clean-up every writer does. */
export async function prepareOutputFolder(options: Pick<WriteOptions, 'dir' | 'inputs' | 'lockWaitMs'>) {
  checkOutputFolder(options.dir, options.inputs)
  mkdirSync(options.dir, { recursive: true })
  const lock = await acquireOutputLock(options.dir, options.lockWaitMs)
  try {
    const repaired = recoverOutput(options.dir)
    const cleaned = removeStaleStaging(options.dir)
    return { lock, repaired, cleaned }
  } catch (e) {
    lock.release()
    throw e
  }
}

export async function writeOutput(nodes: Iterable<NodeOutput> | AsyncIterable<NodeOutput>, options: WriteOptions): Promise<OutputResult>
export async function writeOutput<T extends { hostname: string }>(nodes: Iterable<T> | AsyncIterable<T>, options: WriteOptions & SinkOption<T>): Promise<OutputResult>
export async function writeOutput<T extends { hostname: string }>(
  nodes: Iterable<T> | AsyncIterable<T>,
  options: WriteOptions & Partial<SinkOption<T>>,
): Promise<OutputResult> {
  let prepared
  try {
    prepared = await prepareOutputFolder(options)
  } catch (e) {
    throw asOutputError(e, options.dir)
  }
  let staging: string | undefined
  let sink: FileSink<T> | undefined
  try {
    const ownership = new Ownership(options.dir, readManifest(options.dir), options.force ?? false)
    ownership.checkFolder()
    staging = mkdtempSync(join(options.dir, `${OUTPUT_LAYOUT.renderStagingPrefix}${process.pid}-`))
    const settings = { stagingDir: staging, epoch: options.epoch, seedIsos: options.seedIsos ?? false }
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
    // Entries of every other unit carry over, as long as it is still there (removed by hand: dropped).
    const carried: ManifestEntry[] = []
    for (const [unit, entries] of ownership.units) {
      if (writtenUnits.has(unit) || staleRemoved.includes(unit)) continue
      try {
        lstatSync(join(options.dir, unit))
      } catch {
        continue
      }
      carried.push(...entries)
    }
    const manifest = makeManifest([...carried, ...written])
    const text = manifestText(manifest)
    createFileExclusive(join(staging, MANIFEST_NAME), text, 0o644)
        switchOutput(options.dir, {
      staging: basename(staging),
      swapped,
      removed: staleRemoved,
      manifestSha256: createHash('sha256').update(text).digest('hex'),
    })
    staging = undefined
    return { manifest, staleRemoved, staleKept: staleKept.sort(), cleaned: prepared.cleaned, repaired: prepared.repaired }
  } catch (e) {
    throw asOutputError(e, options.dir, '; the previous output is unchanged')
  } finally {
    await sink?.dispose()
    if (staging) rmSync(staging, { recursive: true, force: true })
    prepared.lock.release()
  }
}

/**
 * Records files written outside a render (the bundle) in manifest.json: their units' old entries are replaced.
 * The manifest is replaced in one rename.
 */
export async function recordInManifest(dir: string, entries: ManifestEntry[], lockWaitMs?: number): Promise<Manifest> {
  return withOutputLock(dir, lockWaitMs, async () => {
    const units = new Set(entries.map((e) => unitOf(e.path)))
    const kept = (readManifest(dir)?.files ?? []).filter((e) => !units.has(unitOf(e.path)))
    const manifest = makeManifest([...kept, ...entries])
    replaceFile(join(dir, MANIFEST_NAME), manifestText(manifest), 0o644)
    return manifest
  })
}
