// Writes rendered nodes into the output folder atomically: everything is first written into a staging folder
// inside it (same filesystem), then each node folder is swapped into place with rename(2), then manifest.json is
// rebuilt. A failure before the swap leaves the output folder as it was. Nodes are taken one at a time from an
// iterable, so a large cluster's files need not all be in memory at once.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Artifact } from '../render/render-node.js'
import { writeManifest, type Manifest, type ManifestEntry } from './manifest.js'
import { directSink, workerSink } from './file-sink.js'
import type { OutputFile } from './output-file.js'

export interface NodeOutput {
  hostname: string
  artifacts: Artifact[]
}

/** A file made from a node's artifacts, to be written into the node's folder with them. */
export interface ExtraFile {
  /** Path inside the node's folder, '/'-separated. */
  path: string
  data: Uint8Array
  mode: number
}

/** Extra files made from a node's rendered artifacts (the seed ISOs). */
export type StageHook = (node: NodeOutput) => Promise<ExtraFile[]>

export interface WriteOptions {
  dir: string
  epoch: number
  hooks: StageHook[]
  /** Write and hash in a worker thread while the next nodes are rendered (large clusters). */
  parallel?: boolean
}

function nodeFiles(stagedNodeDir: string, hostname: string, files: ExtraFile[]): OutputFile[] {
  return files.map((f) => ({ path: join(stagedNodeDir, ...f.path.split('/')), manifestPath: `${hostname}/${f.path}`, data: f.data, mode: f.mode }))
}

export async function writeOutput(nodes: Iterable<NodeOutput>, options: WriteOptions): Promise<Manifest> {
  mkdirSync(options.dir, { recursive: true })
  const staging = mkdtempSync(join(options.dir, '.staging-'))
  const sink = options.parallel ? workerSink(options.epoch) : directSink(options.epoch)
  const hostnames: string[] = []
  try {
    for (const node of nodes) {
      hostnames.push(node.hostname)
      const files: ExtraFile[] = node.artifacts.map((a) => ({ path: a.path, data: Buffer.from(a.content, 'utf8'), mode: a.mode }))
      for (const hook of options.hooks) files.push(...(await hook(node)))
      await sink.write(nodeFiles(join(staging, node.hostname), node.hostname, files))
    }
    // The files written now are in the manifest as written; anything else in the folder is read and hashed.
    const written = new Map<string, ManifestEntry>((await sink.finish()).map((e) => [e.path, e]))
    const old = join(staging, '.old')
    mkdirSync(old)
    for (const hostname of hostnames) {
      const target = join(options.dir, hostname)
      try {
        renameSync(target, join(old, hostname))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      }
      renameSync(join(staging, hostname), target)
    }
    return await writeManifest(options.dir, written)
  } finally {
    await sink.dispose()
    rmSync(staging, { recursive: true, force: true })
  }
}
