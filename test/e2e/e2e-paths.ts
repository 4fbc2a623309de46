// Where the e2e harness finds the repository and keeps its cache (guest rootfs, downloaded .debs, per-test disks).
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'

/** The repository root: this file runs as dist/test/e2e/e2e-paths.js, three levels below it. */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Source files of the harness (shell scripts, guest units) are read from the source tree, not from dist/. */
export const e2eSourceDir: string = join(repoRoot, 'test/e2e')

/** BAI_SEED_E2E_CACHE, else .cache/e2e at the repository root (git-ignored). */
export function e2eCacheDir(): string {
  const fromEnv = process.env.BAI_SEED_E2E_CACHE
  return fromEnv ? resolve(fromEnv) : join(repoRoot, '.cache/e2e')
}

/** A fresh folder for one test's disk, seed and console log; the previous run's is removed first. */
export function e2eWorkDir(name: string): string {
  return join(e2eCacheDir(), 'work', name)
}
