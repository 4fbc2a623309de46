// A progress line for long renders: on a terminal only (stderr is a TTY), from the first second on, at most a few
// times a second, rewritten in place ("rendered 4,200/10,000 nodes, 1,350 nodes/s"); cleared at the end. Pipes, files
// and CI logs get nothing.
import type { WriteStream } from 'node:tty'

export const PROGRESS_DELAY_MS = 1000
export const PROGRESS_INTERVAL_MS = 250

export interface ProgressLine {
  update: (done: number, total: number) => void
  end: () => void
}

export function progressLine(out: NodeJS.WriteStream | WriteStream, verb: string, now: () => number = Date.now): ProgressLine {
  const started = now()
  let last = 0
  let shown = false
  const active = out.isTTY === true
  return {
    update(done, total) {
      if (!active) return
      const t = now()
      if (t - started < PROGRESS_DELAY_MS || (t - last < PROGRESS_INTERVAL_MS && done < total)) return
      last = t
      const rate = Math.round(done / ((t - started) / 1000))
      out.write(`\r\x1b[K${verb} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} nodes, ${rate.toLocaleString('en-US')} nodes/s`)
      shown = true
    },
    end() {
      if (shown) out.write('\r\x1b[K')
      shown = false
    },
  }
}
