// Where the nodes' files are made and written: right here, or, for large renders, in a writer thread, so that
// encoding, seed ISOs, writing and hashing (a 1,000-node render writes ~600 MiB) run on a second core while this
// thread renders the next nodes. Either way nodes are written in order and every file's manifest entry is kept.
import { Worker } from 'node:worker_threads'
import type { ManifestEntry } from './manifest.js'
import { nodeFiles, type NodeFileOptions, type NodeOutput } from './node-files.js'
import { writeOutputFiles } from './output-file.js'

export interface SinkSettings extends NodeFileOptions {
  /** Node folders are written under it. */
  stagingDir: string
}

export interface WriteRequest {
  id: number
  node: NodeOutput
}

export type WriteReply =
  | { id: number; entries: ManifestEntry[]; error?: undefined }
  | { id: number; error: { message: string; code?: string; stack?: string }; entries?: undefined }

export interface FileSink {
  /** Makes and writes a node's files; may wait for earlier nodes when too much is queued. */
  write(node: NodeOutput): Promise<void>
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

/** Characters of rendered text queued for the writer thread before write() waits: bounds memory. */
export const MAX_QUEUED_CHARS = 32 * 1024 * 1024

export function workerSink(settings: SinkSettings): FileSink {
  const worker = new Worker(new URL('./write-worker.js', import.meta.url), { workerData: settings })
  const pending = new Map<number, { chars: number; settle: () => void }>()
  const settled: Promise<void>[] = []
  const entries: ManifestEntry[] = []
  let firstError: Error | undefined
  let queued = 0
  let nextId = 0
  let stopping = false

  const fail = (e: Error): void => {
    firstError ??= e
    for (const p of pending.values()) p.settle()
    pending.clear()
  }
  worker.on('message', (reply: WriteReply) => {
    const p = pending.get(reply.id)
    if (!p) return
    pending.delete(reply.id)
    queued -= p.chars
    if (reply.error) fail(Object.assign(new Error(reply.error.message), { code: reply.error.code, stack: reply.error.stack }))
    else entries.push(...reply.entries)
    p.settle()
  })
  worker.on('error', fail)
  worker.on('exit', (code) => {
    if (!stopping) fail(new Error(`bai-seed: the file writer thread stopped (exit code ${code})`))
  })

  return {
    async write(node) {
      // Nodes are answered in order, so the oldest unanswered one is the first to wait for.
      while (queued > MAX_QUEUED_CHARS && pending.size > 0 && !firstError) await settled[settled.length - pending.size]
      if (firstError) throw firstError
      const id = nextId++
      const chars = node.artifacts.reduce((n, a) => n + a.content.length, 0)
      queued += chars
      settled.push(new Promise<void>((settle) => pending.set(id, { chars, settle })))
      worker.postMessage({ id, node } satisfies WriteRequest)
    },
    async finish() {
      await Promise.all(settled)
      stopping = true
      await worker.terminate()
      if (firstError) throw firstError
      return entries
    },
    async dispose() {
      stopping = true
      await worker.terminate()
    },
  }
}
