// One-shot seeds: once a node has reported its finished install (its PXE marker, pxe-state.ts), its seed URL answers
// 410 Gone, so a token read from a public boot config later is worth nothing. `bai-seed pxe --reinstall NODE` opens
// it again.
//
// The markers are read under the output folder's lock (no writer is moving them then: `bai-seed pxe` sets them aside
// while it swaps its tree), at most every RECHECK_MS. While another process holds the lock, the markers seen now
// are added to the last view and none is taken away, so a swap in progress never reopens a seed. A marker written
// since the last look counts at once (one lstat of it per request), whoever wrote it (markInstalled, pxe-state.ts).
import { acquireOutputLock } from '../write/output-lock.js'
import { isInstalled, readPxeNodes } from '../write/pxe-state.js'

export const RECHECK_MS = 250

export class InstalledNodes {
  private installed = new Set<string>()
  /** hostname -> MAC, from the last pxe/nodes.json read. */
  private macs = new Map<string, string>()
  private checkedAt = -Infinity
  private checking: Promise<void> | null = null

  constructor(private readonly root: string) {}

  async has(hostname: string): Promise<boolean> {
    if (performance.now() - this.checkedAt >= RECHECK_MS) {
      this.checking ??= this.reload().finally(() => {
        this.checkedAt = performance.now()
        this.checking = null
      })
      await this.checking
    }
    if (this.installed.has(hostname)) return true
    const mac = this.macs.get(hostname)
    if (mac === undefined || !isInstalled(this.root, mac)) return false
    this.installed.add(hostname)
    return true
  }

  /** A report recorded by this server. */
  add(hostname: string): void {
    this.installed.add(hostname)
  }

  private current(): Set<string> {
    const now = new Set<string>()
    const nodes = readPxeNodes(this.root) ?? []
    if (nodes.length) this.macs = new Map(nodes.map((n) => [n.hostname, n.mac]))
    for (const node of nodes) if (isInstalled(this.root, node.mac)) now.add(node.hostname)
    return now
  }

  private async reload(): Promise<void> {
    let lock
    try {
      lock = await acquireOutputLock(this.root, 0)
    } catch {
      // A writer holds the folder: trust only what is there now in addition to what was seen before.
      for (const host of this.current()) this.installed.add(host)
      return
    }
    try {
      this.installed = this.current()
    } finally {
      lock.release()
    }
  }
}
