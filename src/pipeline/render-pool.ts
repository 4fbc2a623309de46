// Renders and writes nodes on every core: each worker thread (render-worker.ts) takes a node's plan, renders its
// files, makes its seed ISOs and writes and hashes them into the staging folder, and answers with the manifest
// entries. Nodes are independent, so the output is the same bytes whichever thread makes a node; the manifest is
// sorted by path. At most a few plans per thread wait at a time, so memory stays bounded whatever the cluster size.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { NodePlan } from '../model/plan.js'
import type { ManifestEntry } from '../write/manifest.js'
import type { FileSink, SinkSettings } from '../write/file-sink.js'

export interface RenderJob {
  id: number
  plan: NodePlan
}

export type RenderReply =
  | { id: number; entries: ManifestEntry[]; error?: undefined }
  | { id: number; error: { message: string; code?: string; stack?: string }; entries?: undefined }

/** Plans handed to one thread before write() waits: enough to keep it busy, few enough to bound memory. */
export const PLANS_PER_THREAD = 4

/** Threads to render with: BAI_SEED_THREADS when set (bench: the one-thread figure), else one per core. */
export function renderThreads(env: NodeJS.ProcessEnv): number {
  const given = Number(env.BAI_SEED_THREADS)
  return Number.isInteger(given) && given >= 1 ? given : availableParallelism()
}

export function renderPool(settings: SinkSettings, threads: number, onNode?: () => void): FileSink<NodePlan> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./render-worker.js', import.meta.url), { workerData: settings }))
  // Per worker: its jobs not yet answered.
  const busy = workers.map(() => 0)
  const pending = new Map<number, { worker: number; settle: () => void }>()
  const entries: ManifestEntry[] = []
  let firstError: Error | undefined
  let nextId = 0
  let stopping = false
  // Resolved whenever a job is answered, so that write() can wait for room.
  let room: (() => void) | undefined

  const fail = (e: Error): void => {
    firstError ??= e
    for (const p of pending.values()) p.settle()
    pending.clear()
    room?.()
  }
  workers.forEach((worker, w) => {
    worker.on('message', (reply: RenderReply) => {
      const p = pending.get(reply.id)
      if (!p) return
      pending.delete(reply.id)
      busy[w]!--
      if (reply.error) fail(Object.assign(new Error(reply.error.message), { code: reply.error.code, stack: reply.error.stack }))
      else {
        for (const e of reply.entries) entries.push(e)
        onNode?.()
      }
      p.settle()
      room?.()
    })
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (!stopping) fail(new Error(`bai-seed: a render thread stopped (exit code ${code})`))
    })
  })
  const settled: Promise<void>[] = []
  const stop = async (): Promise<void> => {
    stopping = true
    await Promise.all(workers.map((w) => w.terminate()))
  }

  return {
    async write(plan) {
      for (;;) {
        if (firstError) throw firstError
        // The least busy thread, when it has room.
        let w = 0
        for (let i = 1; i < workers.length; i++) if (busy[i]! < busy[w]!) w = i
        if (busy[w]! < PLANS_PER_THREAD) {
          const id = nextId++
          busy[w]!++
          settled.push(new Promise<void>((settle) => pending.set(id, { worker: w, settle })))
          workers[w]!.postMessage({ id, plan } satisfies RenderJob)
          return
        }
        await new Promise<void>((resolve) => (room = resolve))
      }
    },
    async finish() {
      await Promise.all(settled)
      await stop()
      if (firstError) throw firstError
      return entries
    },
    dispose: stop,
  }
}
