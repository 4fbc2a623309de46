// The worker side of file-sink.ts: writes and hashes the batches of files it is sent, answering each with the
// manifest entries or the error.
import { parentPort, workerData } from 'node:worker_threads'
import { writeOutputFiles, type OutputFile } from './output-file.js'
import type { WriteBatch, WriteReply } from './file-sink.js'

const { epoch } = workerData as { epoch: number }

parentPort!.on('message', (batch: WriteBatch) => {
  let reply: WriteReply
  try {
    reply = { id: batch.id, entries: writeOutputFiles(batch.files as OutputFile[], epoch) }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    reply = { id: batch.id, error: { message: err.message, code: err.code, stack: err.stack } }
  }
  parentPort!.postMessage(reply)
})
