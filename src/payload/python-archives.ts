// python-build-standalone archives with their release's SHA256SUMS, under python/<release>/; an archive already
// there with the right sha256 is not fetched again.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import type { PythonNeed } from './payload-needs.js'
import { fetchSize, fetchToFile, type FetchOptions } from './fetch-url.js'
import { sha256File } from './file-hash.js'

function expectedSum(need: PythonNeed, sums: string): string {
  if (need.pinned) return need.pinned
  const line = sums.split('\n').find((l) => l.split(/\s+/)[1]?.replace(/^\*/, '') === need.asset)
  if (!line) throw new OutputError('PYTHON', `${need.baseUrl}/${need.release}/SHA256SUMS`, `does not list ${need.asset}`)
  return line.split(/\s+/)[0]!
}

/** SHA256SUMS fetched (small), and the bytes of the archive still to download. */
export async function planPython(need: PythonNeed, tree: string, fetch: FetchOptions): Promise<number> {
  const dir = join(tree, 'python', need.release)
  mkdirSync(dir, { recursive: true })
  await fetchToFile(`${need.baseUrl}/${need.release}/SHA256SUMS`, join(dir, 'SHA256SUMS'), fetch)
  const file = join(dir, need.asset)
  if (existsSync(file) && (await sha256File(file)) === expectedSum(need, readFileSync(join(dir, 'SHA256SUMS'), 'utf8'))) return 0
  return fetchSize(`${need.baseUrl}/${need.release}/${need.asset}`, fetch)
}

export async function writePython(need: PythonNeed, tree: string, fetch: FetchOptions): Promise<void> {
  const dir = join(tree, 'python', need.release)
  const want = expectedSum(need, readFileSync(join(dir, 'SHA256SUMS'), 'utf8'))
  const file = join(dir, need.asset)
  if (existsSync(file) && (await sha256File(file)) === want) return
  await fetchToFile(`${need.baseUrl}/${need.release}/${need.asset}`, file, fetch)
  const got = await sha256File(file)
  if (got !== want) throw new OutputError('PYTHON', file, `sha256 is ${got}, SHA256SUMS says ${want}`)
}
