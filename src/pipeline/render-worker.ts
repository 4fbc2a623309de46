// A render thread of render-pool.ts: plan -> files -> bytes on disk, for one node at a time, in the order sent.
import { parentPort, workerData } from 'node:worker_threads'
import { renderNode } from '../render/render-node.js'
import { nodeFiles } from '../write/node-files.js'
import { writeOutputFiles } from '../write/output-file.js'
import type { SinkSettings } from '../write/file-sink.js'
import type { RenderJob, RenderReply } from './render-pool.js'

const settings = workerData as SinkSettings

async function handle(job: RenderJob): Promise<RenderReply> {
  try {
    const node = { hostname: job.plan.hostname, artifacts: renderNode(job.plan) }
    return { id: job.id, entries: writeOutputFiles(await nodeFiles(node, settings.stagingDir, settings)) }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return { id: job.id, error: { message: err.message, code: err.code, stack: err.stack } }
  }
}

const queue: RenderJob[] = []
let running = false

async function run(): Promise<void> {
  running = true
  while (queue.length > 0) parentPort!.postMessage(await handle(queue.shift()!))
  running = false
}

parentPort!.on('message', (job: RenderJob) => {
  queue.push(job)
  if (!running) void run()
})
