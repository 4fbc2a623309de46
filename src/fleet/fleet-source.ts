// Where `bai-seed status` reads the fleet: the output folder itself (its manifest's nodes and the status store), or a
// running `bai-seed serve` (GET /status.json and /status/<node>.json).
import { readManifest } from '../write/manifest.js'
import { OutputError } from '../diagnostics/errors.js'
import { readStatusStore } from './event-log.js'
import { fleetView, type FleetView } from './fleet-view.js'
import { deriveNode, type NodeStatus } from './node-state.js'
import type { StoredEvent } from './report-event.js'
import { tailOf } from './status-text.js'

export interface NodeDetail extends NodeStatus {
  timeline: StoredEvent[]
  log: string | null
}

export interface FleetSource {
  view(only: readonly string[]): Promise<FleetView>
  node(hostname: string): Promise<NodeDetail | null>
}

/** The nodes a manifest lists (their seeds or scripts). */
function manifestNodes(outDir: string): string[] {
  const hosts = new Set<string>()
  for (const f of readManifest(outDir)?.files ?? []) {
    const [host, second] = f.path.split('/')
    if (host && (second === 'autoinstall' || second === 'cloud-init' || second === 'provision.sh')) hosts.add(host)
  }
  return [...hosts]
}

export function folderSource(outDir: string): FleetSource {
  return {
    async view(only) {
      return fleetView(manifestNodes(outDir), readStatusStore(outDir), new Date(), only)
    },
    async node(hostname) {
      const logs = readStatusStore(outDir)
      const log = logs.get(hostname)
      if (!log && !manifestNodes(outDir).includes(hostname)) return null
      return { ...deriveNode(hostname, log, new Date()), timeline: log?.events ?? [], log: tailOf(log) ?? null }
    },
  }
}

export function urlSource(base: string): FleetSource {
  const root = base.endsWith('/') ? base : `${base}/`
  const get = async (path: string): Promise<Response> => {
    try {
      return await fetch(new URL(path, root), { signal: AbortSignal.timeout(15_000) })
    } catch (e) {
      // Not running, not reachable, too slow: a system error (exit 3), in words.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause
      throw new OutputError('UNREACHABLE', root, `cannot ask bai-seed serve there: ${cause?.code ?? cause?.message ?? (e as Error).message}`)
    }
  }
  return {
    async view(only) {
      const res = await get('status.json')
      if (!res.ok) throw new OutputError('HTTP', `${root}status.json`, `HTTP ${res.status} (is this a bai-seed serve?)`)
      const view = (await res.json()) as FleetView
      if (!only.length) return view
      const nodes = view.nodes.filter((n) => only.includes(n.hostname))
      const counts: FleetView['counts'] = {}
      for (const n of nodes) counts[n.state] = (counts[n.state] ?? 0) + 1
      const { summaryLine } = await import('./fleet-view.js')
      return { ...view, nodes, counts, summary: summaryLine(counts) }
    },
    async node(hostname) {
      const res = await get(`status/${encodeURIComponent(hostname)}.json`)
      if (res.status === 404) return null
      if (!res.ok) throw new OutputError('HTTP', `${root}status/${hostname}.json`, `HTTP ${res.status}`)
      return (await res.json()) as NodeDetail
    },
  }
}
