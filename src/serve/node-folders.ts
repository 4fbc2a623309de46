// Which first path segments are node folders: those that manifest.json lists with a node's seed or script
// (<hostname>/autoinstall/..., <hostname>/cloud-init/..., <hostname>/provision.sh). Re-read when the manifest
// changes, so a render while serving is picked up (the manifest is looked at most every RECHECK_MS, not on every
// request). pxe/ipxe/<hostname>.ipxe belongs to its node too.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { MANIFEST_NAME } from '../write/manifest.js'

/** How long a look at the manifest is trusted: a render's new nodes are served at most this much later. */
export const RECHECK_MS = 250

export class NodeFolders {
  private mtimeMs = -1
  private nodes = new Set<string>()
  private checkedAt = -Infinity
  private checking: Promise<void> | null = null

  constructor(private readonly root: string) {}

  async nodeOf(segments: readonly string[]): Promise<string | null> {
    await this.refresh()
    const first = segments[0]
    // The per-node iPXE script of the PXE tree: pxe/ipxe/<hostname>.ipxe.
    if (first === 'pxe' && segments[1] === 'ipxe' && segments.length === 3) {
      const host = segments[2]!.replace(/\.ipxe$/, '')
      return this.nodes.has(host) ? host : null
    }
    return first !== undefined && this.nodes.has(first) ? first : null
  }

  /** Every node of the manifest. */
  async hostnames(): Promise<string[]> {
    await this.refresh()
    return [...this.nodes]
  }

  private refresh(): Promise<void> {
    const now = performance.now()
    if (now - this.checkedAt < RECHECK_MS) return Promise.resolve()
    // Requests arriving while the manifest is being looked at share that one look.
    this.checking ??= this.reload().finally(() => {
      this.checkedAt = performance.now()
      this.checking = null
    })
    return this.checking
  }

  private async reload(): Promise<void> {
    const file = join(this.root, MANIFEST_NAME)
    let mtimeMs: number
    try {
      mtimeMs = (await stat(file)).mtimeMs
    } catch {
      this.nodes = new Set()
      this.mtimeMs = -1
      return
    }
    if (mtimeMs === this.mtimeMs) return
    const nodes = new Set<string>()
    try {
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { files?: { path?: unknown }[] }
      for (const entry of manifest.files ?? []) {
        if (typeof entry.path !== 'string') continue
        const [host, second] = entry.path.split('/')
        if (host && (second === 'autoinstall' || second === 'cloud-init' || second === 'provision.sh')) nodes.add(host)
      }
    } catch {
      // A manifest being rewritten is read again on the next request.
      return
    }
    this.nodes = nodes
    this.mtimeMs = mtimeMs
  }
}
