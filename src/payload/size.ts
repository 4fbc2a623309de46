// Sizes as people write them for transfer media: 700M, 4G, 4.7G (powers of 1024), or bytes.
import { InputError } from '../diagnostics/errors.js'

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }

export function parseSize(text: string, what = '--split'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim())
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!) : NaN
  if (!Number.isFinite(bytes) || bytes < 1024 * 1024) {
    throw new InputError('FLAG', `${what} ${text}: give a size of at least 1M, such as 700M or 4G`)
  }
  return bytes
}

export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}
