// Staging folders of runs that were killed (`.staging-<pid>-*` of renders, `.bundle-<pid>-*` of bundles) hold whole
// renders (gigabytes with ISOs). The next run removes them, under the output lock and after the journal's repair,
// but spares the folders of a process that is still running. Folders named without a pid (older versions) are
// removed once they are an hour old.
import { lstatSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const STAGING = /^\.(?:staging|bundle)-(?:(\d+)-)?/
const LEGACY_AGE_MS = 60 * 60 * 1000

function running(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes stale staging folders in `outDir`; returns their names. */
export function removeStaleStaging(outDir: string, now = Date.now()): string[] {
  const removed: string[] = []
  for (const name of readdirSync(outDir)) {
    const m = STAGING.exec(name)
    if (!m) continue
    const path = join(outDir, name)
    if (m[1] !== undefined) {
      if (running(Number(m[1]))) continue
    } else {
      try {
        if (now - lstatSync(path).mtimeMs < LEGACY_AGE_MS) continue
      } catch {
        continue
      }
    }
    rmSync(path, { recursive: true, force: true })
    removed.push(name)
  }
  return removed
}
