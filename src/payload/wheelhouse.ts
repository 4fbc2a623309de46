// The venvs' wheelhouse (wheels/): for each package the newest pure-Python wheel of the PEP 503 index that the
// nodes' Python can use (Requires-Python's lower bounds), checked against the index's #sha256 fragment.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import { fetchText, fetchToFile, type FetchOptions } from './fetch-url.js'
import { sha256File } from './file-hash.js'

interface WheelLink {
  file: string
  url: string
  sha256: string
  version: number[]
}

const versionOf = (v: string): number[] => v.split('.').map((p) => Number.parseInt(p, 10) || 0)
function newer(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return false
}

/** True when Requires-Python (only its >= and < bounds are read) admits `python`. */
function admits(spec: string, python: number[]): boolean {
  for (const part of spec.split(',').map((s) => s.trim())) {
    const m = /^(>=|<|>|<=)\s*([\d.]+)/.exec(part)
    if (!m) continue
    const v = versionOf(m[2]!)
    if (m[1] === '>=' && newer(v, python)) return false
    if (m[1] === '<' && !newer(v, python)) return false
  }
  return true
}

const unescape = (s: string): string => s.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&quot;/g, '"')

export async function pickWheels(index: string, packages: readonly string[], pythonVersion: string, fetch: FetchOptions): Promise<WheelLink[]> {
  const python = versionOf(pythonVersion)
  const out: WheelLink[] = []
  for (const name of packages) {
    const page = `${index}/${name}/`
    const html = await fetchText(page, fetch)
    let best: WheelLink | undefined
    for (const m of html.matchAll(/<a\s([^>]*)>([^<]+)<\/a>/g)) {
      const attrs = m[1]!
      const file = m[2]!.trim()
      const href = unescape(/href="([^"]+)"/.exec(attrs)?.[1] ?? '')
      const requires = unescape(/data-requires-python="([^"]*)"/.exec(attrs)?.[1] ?? '')
      const w = /^([A-Za-z0-9_.]+)-([0-9][^-]*)-(?:\d[^-]*-)?(py3|py2\.py3)-none-any\.whl$/.exec(file)
      const sha = /#sha256=([0-9a-f]{64})/.exec(href)?.[1]
      if (!w || !sha || (requires && !admits(requires, python))) continue
      const link = { file, url: new URL(href.split('#')[0]!, page).toString(), sha256: sha, version: versionOf(w[2]!) }
      if (!best || newer(link.version, best.version)) best = link
    }
    if (!best) throw new OutputError('WHEELS', page, `no pure-Python wheel of ${name} with a sha256 for Python ${pythonVersion}`)
    out.push(best)
  }
  return out
}

export async function writeWheels(links: readonly WheelLink[], tree: string, fetch: FetchOptions): Promise<void> {
  const dir = join(tree, 'wheels')
  mkdirSync(dir, { recursive: true })
  const keep = new Set(links.map((l) => l.file))
  for (const name of readdirSync(dir)) if (!keep.has(name)) rmSync(join(dir, name))
  for (const l of links) {
    const file = join(dir, l.file)
    if (existsSync(file) && (await sha256File(file)) === l.sha256) continue
    await fetchToFile(l.url, file, fetch)
    const got = await sha256File(file)
    if (got !== l.sha256) throw new OutputError('WHEELS', l.url, `sha256 is ${got}, the index says ${l.sha256}`)
  }
}
