// What a node's plan needs to know about the other nodes, gathered once from every resolved node.
import type { ResolvedNode } from '../model/resolved.js'
import type { Inventory } from '../model/inventory.js'
import { isStorageServerNode } from '../model/storage-server.js'
import type { ClusterFacts } from './step-def.js'

/** The agent's venv: a node that runs only this one is a compute node, not a service node. */
const AGENT_SERVICE = 'agent'

function isServiceNode(resolved: ResolvedNode): boolean {
  return resolved.settings.services.venvs.some((v) => v !== AGENT_SERVICE)
}

export function clusterFacts(nodes: Iterable<ResolvedNode>, inventory: Pick<Inventory, 'storage' | 'cluster' | 'nodes'>): ClusterFacts {
  const serviceHosts = new Set<string>()
  for (const n of nodes) if (isServiceNode(n)) serviceHosts.add(n.node.hostname)
  return { serviceHosts, storageServerInCluster: inventory.nodes.some((n) => isStorageServerNode(inventory, n)) }
}
