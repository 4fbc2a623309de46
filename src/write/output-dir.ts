// Writes rendered nodes into the output folder atomically: everything is first written into a staging folder
// inside it (same filesystem), then each node folder is swapped into place with rename(2), then manifest.json is
// rebuilt. A failure before the swap leaves the output folder as it was. Nodes are taken one at a time from an
// iterable, so a large cluster's files need not all be in memory at once.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeManifest, type Manifest, type ManifestEntry } from './manifest.js'
import { directSink, workerSink } from './file-sink.js'
import type { NodeOutput } from './node-files.js'

export type { NodeOutput } from './node-files.js'

export interface WriteOptions {
  dir: string
  epoch: number
  /** Also write autoinstall.iso and cloud-init.iso into each node folder. */
  seedIsos?: boolean
  /** Make and write the files in a worker thread while the next nodes are rendered (large clusters). */
  parallel?: boolean
}

export async function writeOutput(nodes: Iterable<NodeOutput>, options: WriteOptions): Promise<Manifest> {
  mkdirSync(options.dir, { recursive: true })
  const staging = mkdtempSync(join(options.dir, '.staging-'))
  const settings = { stagingDir: staging, epoch: options.epoch, seedIsos: options.seedIsos ?? false }
  const sink = options.parallel ? workerSink(settings) : directSink(settings)
  const hostnames: string[] = []
  try {
    for (const node of nodes) {
      hostnames.push(node.hostname)
      await sink.write(node)
    }
    // The files written now go into the manifest as written; anything else in the folder is read and hashed.
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
