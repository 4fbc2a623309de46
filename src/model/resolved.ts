// A node after profile resolution: its full settings and where each value came from.
import type { Settings } from './settings.js'
import type { NodeEntry } from './inventory.js'

/** Where a value was set: a file and the path inside that file's YAML. */
export interface Origin {
  file: string
  /** YAML path inside that file, e.g. ['settings', 'user', 'uid'] or ['nodes', 1, 'overrides', 'user', 'uid']. */
  path: (string | number)[]
  /** Profile name, or 'node:<hostname>' for per-node overrides. */
  source: string
}

export interface ResolvedNode {
  node: NodeEntry
  /** Index of the node in the inventory's nodes list. */
  index: number
  settings: Settings
  /** Dotted settings path (e.g. 'user.uid', 'images.pull') -> where its value was set. */
  origins: Map<string, Origin>
}
