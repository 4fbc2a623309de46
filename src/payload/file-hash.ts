// sha256 of files, streamed; and a write that leaves an unchanged file untouched.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export function sha256Of(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Writes `data` to `path` (mode 0644, atomically) unless the file holds exactly that already. True when it wrote. */
export function writeIfChanged(path: string, data: string | Uint8Array): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
  if (existsSync(path) && readFileSync(path).equals(bytes)) return false
  writeFileSync(`${path}.tmp`, bytes, { mode: 0o644 })
  renameSync(`${path}.tmp`, path)
  return true
}
