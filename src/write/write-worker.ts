// The writer thread of file-sink.ts: turns each node it is sent into files (UTF-8 texts, seed ISOs), writes and
// hashes them, and answers with the manifest entries or the error. Nodes are handled one after the other.
import { parentPort, workerData } from 'node:worker_threads'
import { nodeFiles } from './node-files.js'
import { writeOutputFiles } from './output-file.js'
import { artifactBytesAsync } from './artifact-bytes.js'
import type { SinkSettings, WriteRequest, WriteReply } from './file-sink.js'

const settings = workerData as SinkSettings

interface Waiting {
  request: WriteRequest
  /** The artifacts' bytes, compressed in libuv's thread pool while this thread writes the node before. */
  bytes?: Promise<Uint8Array[]>
}

const waiting: Waiting[] = []
let running = false

function startBytes(w: Waiting): Promise<Uint8Array[]> {
  if (!w.bytes) {
    w.bytes = Promise.all(w.request.node.artifacts.map(artifactBytesAsync))
    // Awaited in handle(); this only keeps a failure from counting as unhandled meanwhile.
    w.bytes.catch(() => {})
  }
  return w.bytes
}

async function handle(w: Waiting): Promise<WriteReply> {
  try {
    const files = await nodeFiles(w.request.node, settings.stagingDir, settings, await startBytes(w))
    return { id: w.request.id, entries: writeOutputFiles(files) }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return { id: w.request.id, error: { message: err.message, code: err.code, stack: err.stack } }
  }
}

// Nodes are written one after the other, in order; the next node's compression starts before this one is written
// (only the next one: the main thread's own compressions share the thread pool).
async function run(): Promise<void> {
  running = true
  while (waiting.length > 0) {
    const w = waiting[0]!
    startBytes(w)
    if (waiting[1]) startBytes(waiting[1])
    const reply = await handle(w)
    waiting.shift()
    parentPort!.postMessage(reply)
  }
  running = false
}

parentPort!.on('message', (request: WriteRequest) => {
  waiting.push({ request })
  if (!running) void run()
})
