// Maps a request target to a file under the served folder, or to the HTTP status that refuses it. Only regular
// files under the folder are served: no "." or ".." segments (also when percent-encoded), no encoded "/" or "\",
// no NUL, no dot-files (staging folders of a render in progress), no directories (there is no listing), and no
// symlink whose target lies outside the folder (checked on the real path, after every link is resolved).
// The two metadata calls are synchronous: on the local output folder they take microseconds, less than a round trip
// through the thread pool, which used to cap `serve` at a third of the requests per second Node can answer.
import { realpathSync, statSync, type Stats } from 'node:fs'
import { join, sep } from 'node:path'

export type ResolvedPath =
  | { ok: true; file: string; size: number; segments: string[]; stats: Stats }
  | { ok: false; status: 400 | 403 | 404; reason: string }

/** `rootReal` must already be a real path (no symlinks). */
export async function resolveRequestPath(rootReal: string, target: string): Promise<ResolvedPath> {
  // Only origin-form targets (RFC 9112 section 3.2.1); absolute-form and asterisk-form are refused.
  if (!target.startsWith('/')) return { ok: false, status: 400, reason: 'not an origin-form request target' }
  const rawPath = target.split('?', 1)[0]!
  const segments: string[] = []
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' }
    }
    if (segment === '.' || segment === '..') return { ok: false, status: 403, reason: 'path traversal' }
    if (/[/\\\u0000]/.test(segment)) return { ok: false, status: 400, reason: 'encoded separator or NUL in the path' }
    if (segment.startsWith('.')) return { ok: false, status: 404, reason: 'dot-files are not served' }
    segments.push(segment)
  }
  if (segments.length === 0) return { ok: false, status: 404, reason: 'no directory listing' }
  const candidate = join(rootReal, ...segments)
  if (!candidate.startsWith(rootReal + sep)) return { ok: false, status: 403, reason: 'outside the served folder' }
  let real: string
  try {
    real = realpathSync.native(candidate)
  } catch {
    return { ok: false, status: 404, reason: 'no such file' }
  }
  if (!real.startsWith(rootReal + sep)) return { ok: false, status: 403, reason: 'symlink leaves the served folder' }
  const st = statSync(real)
  if (st.isDirectory()) return { ok: false, status: 404, reason: 'no directory listing' }
  if (!st.isFile()) return { ok: false, status: 404, reason: 'not a regular file' }
  return { ok: true, file: real, size: st.size, segments, stats: st }
}

/** The decoded first path segment, for logging which node a refused request was about ([] when there is none). */
export function firstSegment(target: string): string[] {
  if (!target.startsWith('/')) return []
  const raw = target.split('?', 1)[0]!.split('/').find((s) => s !== '')
  if (raw === undefined) return []
  try {
    return [decodeURIComponent(raw)]
  } catch {
    return []
  }
}
