// Text written to a stream as it is produced, waiting for the stream to drain (a slow reader of `plan --json | ...`
// must not make us buffer the whole output), in chunks of about CHUNK_CHARS (fewer write calls).
import type { Writable } from 'node:stream'
import { once } from 'node:events'

export const CHUNK_CHARS = 1 << 16

export async function writeTextStream(out: Writable, parts: Iterable<string>): Promise<void> {
  let pending: string[] = []
  let size = 0
  const flush = async (): Promise<void> => {
    if (!pending.length) return
    const text = pending.join('')
    pending = []
    size = 0
    if (!out.write(text)) await once(out, 'drain')
  }
  for (const part of parts) {
    pending.push(part)
    size += part.length
    if (size >= CHUNK_CHARS) await flush()
  }
  await flush()
}

/** The text of JSON.stringify(items, null, 2), one item at a time. */
export function* jsonArrayText(items: Iterable<unknown>): Generator<string> {
  let first = true
  for (const item of items) {
    yield `${first ? '[\n' : ',\n'}  ${JSON.stringify(item, null, 2).replace(/\n/g, '\n  ')}`
    first = false
  }
  yield first ? '[]' : '\n]'
}
