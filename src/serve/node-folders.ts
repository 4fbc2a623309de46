// Which first path segments are node folders: those that manifest.json lists with a node's seed or script
// (<hostname>/autoinstall/..., <hostname>/cloud-init/..., <hostname>/provision.sh). pxe/ipxe/<hostname>.ipxe belongs
// to its node too.
//
// The manifest is read like every writer reads it (readManifest: no link, a regular file, a size cap), once at the
// start and then again only when it was replaced or changed (its identity: device, inode, size, times), looked at
// with one lstat at most every RECHECK_MS and read at most once every RELOAD_MIN_MS: a render while serving is picked
// up, and a manifest replaced by a link to /dev/zero or by a huge file is never read at all (the last good list of
// nodes stays in use), however many requests arrive.
import { lstatSync } from 'node:fs'
import { join } from 'node:path'
import { MANIFEST_NAME, isNodeUnit, readManifest, unitOf, type Manifest } from '../write/manifest.js'
import { SERVE_MANIFEST_MAX_BYTES } from './served-folder.js'

/** How long a look at the manifest is trusted: a render's new nodes are served at most this much later. */
export const RECHECK_MS = 250
/** A manifest that keeps changing is read at most this often. */
export const RELOAD_MIN_MS = 1000

export function nodesOf(manifest: Manifest): Set<string> {
  const units = new Map<string, string[]>()
  for (const entry of manifest.files) {
    const unit = unitOf(entry.path)
    const list = units.get(unit) ?? []
    list.push(entry.path)
    units.set(unit, list)
  }
  return new Set([...units].filter(([, paths]) => isNodeUnit(paths)).map(([unit]) => unit))
}

export class NodeFolders {
  private identity = ''
  private nodes = new Set<string>()
  private checkedAt = -Infinity
  private loadedAt = -Infinity
  /** How many times the manifest was read (tests prove it is not read per request). */
  reads = 0

  /** `initial`: the manifest as already read at the start, if any. */
  constructor(
    private readonly root: string,
    initial: Manifest | null = null,
  ) {
    if (initial) {
      this.nodes = nodesOf(initial)
      this.identity = this.look() ?? ''
      this.loadedAt = performance.now()
    } else this.refresh()
  }

  nodeOf(segments: readonly string[]): string | null {
    this.refresh()
    const first = segments[0]
    // The per-node iPXE script of the PXE tree: pxe/ipxe/<hostname>.ipxe.
    if (first === 'pxe' && segments[1] === 'ipxe' && segments.length === 3) {
      const host = segments[2]!.replace(/\.ipxe$/, '')
      return this.nodes.has(host) ? host : null
    }
    return first !== undefined && this.nodes.has(first) ? first : null
  }

  has(name: string): boolean {
    this.refresh()
    return this.nodes.has(name)
  }

  /** Every node of the manifest (the fleet view lists them). */
  hostnames(): string[] {
    this.refresh()
    return [...this.nodes]
  }

  /** The manifest's identity, or null when it is missing, not a regular file, or over the cap (then never read). */
  private look(): string | null {
    try {
      const st = lstatSync(join(this.root, MANIFEST_NAME))
      if (!st.isFile() || st.size > SERVE_MANIFEST_MAX_BYTES) return null
      return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
    } catch {
      return null
    }
  }

  private refresh(): void {
    const now = performance.now()
    if (now - this.checkedAt < RECHECK_MS) return
    this.checkedAt = now
    const identity = this.look()
    if (identity === null || identity === this.identity || now - this.loadedAt < RELOAD_MIN_MS) return
    this.loadedAt = now
    this.identity = identity
    this.reads++
    const manifest = readManifest(this.root, SERVE_MANIFEST_MAX_BYTES)
    // One that is not ours (not JSON, not shaped like ours) is not read again until it changes; the last good list stays.
    if (manifest) this.nodes = nodesOf(manifest)
  }
}
