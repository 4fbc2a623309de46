// A fixture built once by a shell script and cached under `<prefix>-<key>` in the e2e cache: built beside its final
// name and renamed when complete (with a `.done` mark), so an interrupted build is never taken for a finished one;
// older builds of the same prefix are removed first. The guest rootfs and the hermetic upstream are built this way.
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { e2eCacheDir } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'

export interface CachedBuild {
  dir: string
  /** True when this call ran the script, false when the cache had it. */
  built: boolean
  /** Seconds this call spent building (0 when cached). */
  seconds: number
}

/**
 * The cached `<prefix>-<key>` folder, made first when missing by `bash script <folder being built> ...args`, its
 * output in `<prefix>-<key>.log`. `what` names the fixture in errors and timings.
 */
export function cachedBuild(what: string, prefix: string, key: string, script: string, args: string[]): CachedBuild {
  const cache = e2eCacheDir()
  const dir = join(cache, `${prefix}-${key}`)
  const doneMark = `${dir}.done`
  if (existsSync(doneMark) && existsSync(dir)) return { dir, built: false, seconds: 0 }
  mkdirSync(cache, { recursive: true })
  for (const name of readdirSync(cache)) {
    if (name.startsWith(`${prefix}-`)) rmSync(join(cache, name), { recursive: true, force: true })
  }
  const building = `${dir}.building`
  const logPath = `${dir}.log`
  const log = openSync(logPath, 'w')
  const started = Date.now()
  let r
  try {
    r = spawnSync('bash', [script, building, ...args], { stdio: ['ignore', log, log] })
  } finally {
    closeSync(log)
  }
  if (r.error) throw r.error
  if (r.status !== 0) {
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n')
    throw new Error(`building ${what} failed (exit ${r.status}); end of ${logPath}:\n${tail}`)
  }
  renameSync(building, dir)
  writeFileSync(doneMark, `${new Date().toISOString()}\n`)
  const seconds = (Date.now() - started) / 1000
  recordTiming(`${what} build (${key})`, seconds)
  return { dir, built: true, seconds }
}
