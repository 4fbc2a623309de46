// The payload's manifest: one line per file of the payload tree, `<sha256>  <size>  <path>`, sorted by path, after
// a comment line naming the format. Its own sha256 is what an inventory pins (offline.manifest_sha256); a signature
// over it (manifest.txt.sig, `ssh-keygen -Y sign -n bai-seed-payload`) is what a pinned signer key checks. The node
// side (templates/script/payload.sh.hbs) reads it with `read -r sum size path`: paths hold no white space.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import { sha256File, sha256Of } from './file-hash.js'

export const MANIFEST_NAME = 'manifest.txt'
export const SIGNATURE_NAME = 'manifest.txt.sig'
/** The namespace of the manifest's SSH signature (ssh-keygen -Y sign/verify -n). */
export const SIGNATURE_NAMESPACE = 'bai-seed-payload'
const HEADER = '# bai-seed payload manifest 1: sha256, size in bytes and path of every file of the payload\n'

export interface ManifestEntry {
  path: string
  size: number
  sha256: string
}

/** Every regular file under `tree` but the manifest and its signature, by path. */
export function listTree(tree: string): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(tree, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name
      const st = statSync(join(tree, p))
      if (st.isDirectory()) walk(p)
      else if (p !== MANIFEST_NAME && p !== SIGNATURE_NAME) {
        if (/\s/.test(p)) throw new OutputError('PAYLOAD_NAME', join(tree, p), 'a payload path may not hold white space')
        out.push(p)
      }
    }
  }
  walk('')
  return out.sort()
}

/**
 * The manifest of `tree`. `known` holds hashes of an earlier run by path, reused when size and mtime are the same
 * (a re-run does not read a gigabyte of unchanged files again).
 */
export async function manifestOf(tree: string, known: Map<string, { size: number; mtimeMs: number; sha256: string }> = new Map()): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = []
  for (const path of listTree(tree)) {
    const st = statSync(join(tree, path))
    const k = known.get(path)
    const sha256 = k && k.size === st.size && k.mtimeMs === st.mtimeMs ? k.sha256 : await sha256File(join(tree, path))
    known.set(path, { size: st.size, mtimeMs: st.mtimeMs, sha256 })
    entries.push({ path, size: st.size, sha256 })
  }
  return entries
}

export function manifestText(entries: readonly ManifestEntry[]): string {
  return HEADER + entries.map((e) => `${e.sha256}  ${e.size}  ${e.path}\n`).join('')
}

export function parseManifest(text: string): ManifestEntry[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [sha256, size, path] = l.split(/\s+/) as [string, string, string]
      return { sha256, size: Number(size), path }
    })
}

export function manifestDigest(text: string): string {
  return sha256Of(text)
}
