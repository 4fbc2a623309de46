// Download progress of a payload build, for a terminal: while apt, skopeo or a fetch fills a folder, the bytes it
// gained so far against the estimate, on one line that is rewritten (a few times a second) and cleared at the end.
// Measured on the folder itself, so it works the same for every tool that downloads into it.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { formatSize } from './size.js'

/** Shows one progress line (or clears it: null). */
export type ProgressLine = (line: string | null) => void

/** The bytes of the regular files under `dir` (0 when it does not exist). */
export function folderBytes(dir: string): number {
  let total = 0
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  for (const name of names) {
    const p = join(dir, name)
    try {
      const st = lstatSync(p)
      if (st.isDirectory()) total += folderBytes(p)
      else if (st.isFile()) total += st.size
    } catch {
      // Renamed or removed while we looked (apt moves partial/ files into place).
    }
  }
  return total
}

/**
 * Runs `work` while showing `what: <gained> of <total>` for the growth of `dirs` since the start, every `intervalMs`;
 * the line is cleared when `work` ends, however it ends. Without `show` it only runs `work`.
 */
export async function withProgress<T>(show: ProgressLine | undefined, what: string, dirs: readonly string[], total: number, work: () => Promise<T>, intervalMs = 250): Promise<T> {
  if (!show) return work()
  const sum = (): number => dirs.reduce((n, d) => n + folderBytes(d), 0)
  const start = sum()
  const report = (): void => {
    const gained = Math.max(0, sum() - start)
    show(`${what}: ${formatSize(gained)}${total > 0 ? ` of ${formatSize(total)}` : ''}`)
  }
  report()
  const timer = setInterval(report, intervalMs)
  try {
    return await work()
  } finally {
    clearInterval(timer)
    show(null)
  }
}
