// Paths for tests, found from this file's location (dist/test/helpers/repo.js), never from the working directory.
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const exampleInventory = join(repoRoot, 'examples', 'cluster.yaml')
export const fixtures = join(repoRoot, 'test', 'fixtures')
export const binRun = join(repoRoot, 'bin', 'run.js')

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `bai-seed-${prefix}-`))
}
