// Where the nodes' files are made and written: right here (directSink), or, for large renders, on the render threads
// of src/pipeline/render-pool.ts, which take plans and render, write and hash each node on every core. Either way
// every file's manifest entry is kept.
import type { ManifestEntry } from './manifest.js'
import { nodeFiles, type NodeFileOptions, type NodeOutput } from './node-files.js'
import { previousFiles, writeOutputFiles, type WrittenEntry } from './output-file.js'

export interface SinkSettings extends NodeFileOptions {
  /** Node folders are written under it. */
  stagingDir: string
  /** The output folder: a file identical to the previous render's there is linked in, not written again. */
  outDir: string
}

export interface FileSink<T = NodeOutput> {
  /**
   * Makes and writes a node's files; may wait for earlier nodes when too much is queued. `previous`: the node's
   * entries in the previous manifest (its identical files are kept).
   */
  write(node: T, previous?: readonly ManifestEntry[]): Promise<void>
  /** Waits for every node; the entries of all files written. Throws the first error. */
  finish(): Promise<WrittenEntry[]>
  /** Stops writing (after a failure elsewhere); safe to call more than once and after finish. */
  dispose(): Promise<void>
}

export function directSink(settings: SinkSettings): FileSink {
  const entries: WrittenEntry[] = []
  return {
    async write(node, previous) {
      entries.push(...writeOutputFiles(await nodeFiles(node, settings.stagingDir, settings), previousFiles(settings.outDir, previous)))
    },
    async finish() {
      return entries
    },
    async dispose() {},
  }
}
