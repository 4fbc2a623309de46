// --split SIZE: the payload image cut into chunks for transfer media, an index of them (sha256 and size of each
// chunk and of the whole), and join.sh, which checks every chunk, names the missing or altered ones, and joins them
// into the same bytes (checked against the whole's sha256). Chunks that did not change are left untouched.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { createHash } from 'node:crypto'
import { renderTemplate } from '../render/templates.js'
import { sha256Of, writeIfChanged } from './file-hash.js'
import { chmodSync } from 'node:fs'

export interface SplitResult {
  chunks: { name: string; size: number; sha256: string }[]
  index: string
  join: string
  sha256: string
}

export function splitFile(file: string, chunkSize: number, outDir: string): SplitResult {
  mkdirSync(outDir, { recursive: true })
  const base = basename(file)
  const total = statSync(file).size
  const whole = createHash('sha256')
  const chunks: SplitResult['chunks'] = []
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.allocUnsafe(chunkSize)
    for (let offset = 0, i = 1; offset < total || i === 1; i++) {
      let n = 0
      while (n < chunkSize && offset + n < total) n += readSync(fd, buf, n, chunkSize - n, offset + n)
      const data = buf.subarray(0, n)
      whole.update(data)
      const name = `${base}.${String(i).padStart(3, '0')}`
      writeIfChanged(join(outDir, name), data)
      chunks.push({ name, size: n, sha256: sha256Of(data) })
      offset += n
      if (offset >= total) break
    }
  } finally {
    closeSync(fd)
  }
  const keep = new Set(chunks.map((c) => c.name))
  for (const name of readdirSync(outDir)) {
    if (name.startsWith(`${base}.`) && /\.\d{3,}$/.test(name) && !keep.has(name)) rmSync(join(outDir, name))
  }
  const sha256 = whole.digest('hex')
  const index = `${base}.parts`
  writeIfChanged(
    join(outDir, index),
    `# bai-seed payload chunks 1: sha256, size and name of each chunk, then of the joined file\n` +
      chunks.map((c) => `${c.sha256}  ${c.size}  ${c.name}\n`).join('') +
      `${sha256}  ${total}  ${base}\n`,
  )
  const script = renderTemplate('payload/join.sh.hbs', { file: base, index, chunks, sha256, size: String(total) })
  writeIfChanged(join(outDir, 'join.sh'), script)
  chmodSync(join(outDir, 'join.sh'), 0o755)
  return { chunks, index, join: join(outDir, 'join.sh'), sha256 }
}

export function chunkFolderHas(outDir: string, name: string): boolean {
  return existsSync(join(outDir, name))
}
