// One writer at a time per output folder: `.bai-seed/lock`, created exclusively (O_EXCL) with the holder's pid and
// process start time. A second run waits up to `waitMs` for it, then stops with an OutputError naming the holder.
// A lock whose holder is gone (kill -9, power loss) is taken over: its pid is not running, or runs another
// process (a different start time). Locks are re-entrant within one process (bundle renders, then packs).
import { readFileSync, statSync } from 'node:fs'
import { realpathSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { LOCK_FILE, STATE_DIR, ensureStateDir, statePath } from './output-state.js'
import { createFileBeneath, removeFileBeneath } from './write-beneath.js'
import { OutputError } from '../diagnostics/errors.js'

export const DEFAULT_LOCK_WAIT_MS = 5000

interface LockContent {
  pid: number
  /** Field 22 of /proc/<pid>/stat, when readable: tells a reused pid apart. */
  start: string | null
}

const held = new Map<string, number>()

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

/** Whether the process that wrote `lock` is still running. */
export function holderAlive(lock: LockContent): boolean {
  try {
    process.kill(lock.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const start = processStart(lock.pid)
  return lock.start === null || start === null || start === lock.start
}

function readLock(path: string): LockContent | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>
    return typeof value.pid === 'number' ? { pid: value.pid, start: typeof value.start === 'string' ? value.start : null } : null
  } catch {
    return null
  }
}

/** A lock file without content seconds after it was made: its writer died between open(2) and write(2). */
function emptyAndOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 2000
  } catch {
    return false
  }
}

export interface OutputLock {
  release(): void
}

export async function acquireOutputLock(outDir: string, waitMs = DEFAULT_LOCK_WAIT_MS): Promise<OutputLock> {
  ensureStateDir(outDir)
  const key = realpathSync(outDir)
  const path = statePath(outDir, LOCK_FILE)
  const release = (): void => {
    const n = (held.get(key) ?? 1) - 1
    if (n > 0) return void held.set(key, n)
    held.delete(key)
    try {
      removeFileBeneath(outDir, [STATE_DIR, LOCK_FILE])
    } catch {
      // .bai-seed/ became a link since the lock was taken: nothing outside the folder is removed.
    }
  }
  const count = held.get(key)
  if (count) {
    held.set(key, count + 1)
    return { release }
  }
  const mine: LockContent = { pid: process.pid, start: processStart(process.pid) }
  const deadline = Date.now() + waitMs
  let holder: LockContent | null = null
  for (;;) {
    try {
      // Never through a symbolic link planted at .bai-seed/ or at the lock (serve takes this lock too).
      createFileBeneath(outDir, [STATE_DIR, LOCK_FILE], JSON.stringify(mine) + '\n', 0o600)
      held.set(key, 1)
      return { release }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    holder = readLock(path)
    if (!holder && emptyAndOld(path)) {
      removeFileBeneath(outDir, [STATE_DIR, LOCK_FILE])
      continue
    }
    if (holder && !holderAlive(holder)) {
      // The holder is gone. Remove its lock only if it is still the same one (another waiter may have taken over).
      const again = readLock(path)
      if (again && again.pid === holder.pid && again.start === holder.start) removeFileBeneath(outDir, [STATE_DIR, LOCK_FILE])
      continue
    }
    if (Date.now() >= deadline) break
    // A lock file being written has no content yet: wait for it like for a live holder.
    await sleep(100)
  }
  const who = holder ? `another bai-seed run (pid ${holder.pid})` : 'another bai-seed run'
  throw new OutputError('ELOCKED', outDir, `${who} is writing this output folder (lock ${path}); wait for it to end and run again`)
}

export async function withOutputLock<T>(outDir: string, waitMs: number | undefined, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireOutputLock(outDir, waitMs)
  try {
    return await fn()
  } finally {
    lock.release()
  }
}
