// Which node is the cluster's own NFS server: storage.server names it (its address without prefix, its host name or
// its full name). Shared by validation and the plan.
import type { Inventory, NodeEntry } from './inventory.js'
import { fqdnOf } from './fqdn.js'

export function isStorageServerNode(inventory: Pick<Inventory, 'storage' | 'cluster'>, node: Pick<NodeEntry, 'ip' | 'hostname'>): boolean {
  const server = inventory.storage.type === 'nfs' ? inventory.storage.server : undefined
  if (!server) return false
  const names = [node.ip.split('/')[0], node.hostname]
  if (inventory.cluster.domain) names.push(fqdnOf(node.hostname, inventory.cluster.domain))
  return names.includes(server)
}

/** The node exports the shares: it is storage.server and has the storage role or storage.nfs_server: true. */
export function servesNfs(inventory: Pick<Inventory, 'storage' | 'cluster'>, node: Pick<NodeEntry, 'ip' | 'hostname' | 'roles'>, nfsServerSetting: boolean): boolean {
  return isStorageServerNode(inventory, node) && (node.roles.includes('storage') || nfsServerSetting)
}
