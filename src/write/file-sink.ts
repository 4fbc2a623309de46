// Where the output folder's files go: written and hashed right here, or, for large renders, in a worker thread,
// so that writing and hashing (a 1,000-node render writes ~600 MiB) run on a second core while this thread
// renders the next nodes. Either way every batch is written in order and its manifest entries are collected.
import { Worker } from 'node:worker_threads'
import type { ManifestEntry } from './manifest.js'
import { writeOutputFiles, type OutputFile } from './output-file.js'

export interface WriteBatch {
  id: number
  files: OutputFile[]
}

export type WriteReply =
  | { id: number; entries: ManifestEntry[]; error?: undefined }
  | { id: number; error: { message: string; code?: string; stack?: string }; entries?: undefined }

export interface FileSink {
  /** Queues files for writing; may wait for earlier batches when too much is in flight. */
  write(files: OutputFile[]): Promise<void>
  /** Waits for every batch; the entries of all files written. Throws the first write error. */
  finish(): Promise<ManifestEntry[]>
  /** Stops writing (after a failure elsewhere); safe to call more than once and after finish. */
  dispose(): Promise<void>
}

export function directSink(epoch: number): FileSink {
  const entries: ManifestEntry[] = []
  return {
    async write(files) {
      entries.push(...writeOutputFiles(files, epoch))
    },
    async finish() {
      return entries
    },
    async dispose() {},
  }
}

/** Bytes queued for the worker before write() waits: bounds memory whatever the size of the cluster. */
export const MAX_IN_FLIGHT = 64 * 1024 * 1024

/** A buffer that owns its whole ArrayBuffer can be moved to the worker instead of copied. */
function transferable(data: Uint8Array): ArrayBuffer | undefined {
  const buf = data.buffer
  return buf instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buf.byteLength ? buf : undefined
}

export function workerSink(epoch: number): FileSink {
  const worker = new Worker(new URL('./write-worker.js', import.meta.url), { workerData: { epoch } })
  const waiting = new Map<number, { bytes: number; done: () => void; failed: (e: Error) => void }>()
  const entries: ManifestEntry[] = []
  let firstError: Error | undefined
  let inFlight = 0
  let nextId = 0
  let stopped = false
  const settled: Promise<void>[] = []

  const fail = (e: Error): void => {
    firstError ??= e
    for (const w of waiting.values()) w.failed(e)
    waiting.clear()
  }
  worker.on('message', (reply: WriteReply) => {
    const w = waiting.get(reply.id)
    if (!w) return
    waiting.delete(reply.id)
    inFlight -= w.bytes
    if (reply.error) {
      const e = Object.assign(new Error(reply.error.message), { code: reply.error.code, stack: reply.error.stack })
      fail(e)
      w.failed(e)
    } else {
      entries.push(...reply.entries)
      w.done()
    }
  })
  worker.on('error', fail)
  worker.on('exit', (code) => {
    if (!stopped) fail(new Error(`bai-seed: the file writer thread stopped (exit code ${code})`))
  })

  return {
    async write(files) {
      if (firstError) throw firstError
      while (inFlight > MAX_IN_FLIGHT && waiting.size > 0) await Promise.race(settled.slice(-waiting.size))
      if (firstError) throw firstError
      const id = nextId++
      const bytes = files.reduce((n, f) => n + f.data.byteLength, 0)
      inFlight += bytes
      settled.push(
        new Promise<void>((resolve) => {
          // Errors are reported by finish() (and the next write); this promise only says the batch is settled.
          waiting.set(id, { bytes, done: resolve, failed: () => resolve() })
        }),
      )
      const moved = new Set(files.map((f) => transferable(f.data)).filter((b): b is ArrayBuffer => b !== undefined))
      worker.postMessage({ id, files } satisfies WriteBatch, [...moved])
    },
    async finish() {
      await Promise.all(settled)
      stopped = true
      await worker.terminate()
      if (firstError) throw firstError
      return entries
    },
    async dispose() {
      stopped = true
      await worker.terminate()
    },
  }
}
