// The writer thread of file-sink.ts: turns each node it is sent into files (UTF-8 texts, seed ISOs), writes and
// hashes them, and answers with the manifest entries or the error. Nodes are handled one after the other.
import { parentPort, workerData } from 'node:worker_threads'
import { nodeFiles } from './node-files.js'
import { writeOutputFiles } from './output-file.js'
import type { SinkSettings, WriteRequest, WriteReply } from './file-sink.js'

const settings = workerData as SinkSettings
let queue: Promise<void> = Promise.resolve()

async function handle(request: WriteRequest): Promise<WriteReply> {
  try {
    const files = await nodeFiles(request.node, settings.stagingDir, settings)
    return { id: request.id, entries: writeOutputFiles(files) }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return { id: request.id, error: { message: err.message, code: err.code, stack: err.stack } }
  }
}

parentPort!.on('message', (request: WriteRequest) => {
  queue = queue.then(async () => parentPort!.postMessage(await handle(request)))
})
