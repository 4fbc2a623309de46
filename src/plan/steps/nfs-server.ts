// The storage node as the cluster's NFS server: when storage.server is this node's address (or name) and the node
// has the `storage` role or `storage.nfs_server: true`, it exports the shares to the cluster subnet instead of
// mounting them from itself. Its own <vfroot>/<name> are bind mounts of the export folders (storage step).
import { defineStep, type PlanContext } from '../step-def.js'
import { servesNfs as nodeServesNfs } from '../../model/storage-server.js'
import { payloadAptFetch } from '../offline-plan.js'

export const EXPORTS_BEGIN = '# BEGIN bai-seed NFS exports'
export const EXPORTS_END = '# END bai-seed NFS exports'

/** NFS export options: read-write for the cluster subnet; root keeps its identity so provisioning can chown. */
const EXPORT_OPTIONS = 'rw,sync,no_subtree_check,no_root_squash'

/** This node serves the NFS exports (see model/storage-server.ts). */
export function servesNfs(ctx: Pick<PlanContext, 'inventory' | 'node' | 'settings'>): boolean {
  return ctx.inventory.storage.type === 'nfs' && nodeServesNfs(ctx.inventory, ctx.node, ctx.settings.storage.nfs_server === true)
}

export interface NfsServerVars {
  begin: string
  end: string
  /** The export folders, made on the server. */
  paths: string[]
  /** The /etc/exports lines. */
  lines: string[]
}

export const nfsServerStep = defineStep<NfsServerVars>({
  id: 'nfs-server',
  title: 'Export the shared storage over NFS to the cluster subnet (this node is storage.server)',
  network: true,
  rootable: false,
  settings: ['storage'],
  applies: (ctx) => ctx.settings.storage.enabled && servesNfs(ctx),
  vars: (ctx) => ({
    begin: EXPORTS_BEGIN,
    end: EXPORTS_END,
    paths: (ctx.inventory.storage.exports ?? []).map((e) => e.path),
    lines: (ctx.inventory.storage.exports ?? []).map((e) => `${e.path} ${ctx.inventory.network.subnet}(${EXPORT_OPTIONS})`),
  }),
  payloadFetches: (ctx) => [payloadAptFetch(ctx.plan.target.id, 'nfs-kernel-server (unless installed)')],
})
