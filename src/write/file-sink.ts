// Where the nodes' files are made and written: right here (directSink), or, for large renders, on the render threads
// of src/pipeline/render-pool.ts, which take plans and render, write and hash each node on every core. Either way
// every file's manifest entry is kept.
import type { ManifestEntry } from './manifest.js'
import { nodeFiles, type NodeFileOptions, type NodeOutput } from './node-files.js'
import { writeOutputFiles } from './output-file.js'

export interface SinkSettings extends NodeFileOptions {
  /** Node folders are written under it. */
  stagingDir: string
}

export interface FileSink<T = NodeOutput> {
  /** Makes and writes a node's files; may wait for earlier nodes when too much is queued. */
  write(node: T): Promise<void>
  /** Waits for every node; the entries of all files written. Throws the first error. */
  finish(): Promise<ManifestEntry[]>
  /** Stops writing (after a failure elsewhere); safe to call more than once and after finish. */
  dispose(): Promise<void>
}

export function directSink(settings: SinkSettings): FileSink {
  const entries: ManifestEntry[] = []
  return {
    async write(node) {
      entries.push(...writeOutputFiles(await nodeFiles(node, settings.stagingDir, settings)))
    },
    async finish() {
      return entries
    },
    async dispose() {},
  }
}
