// Page section "공유 스토리지 마운트하기": <vfroot>/<name> mount points and their /etc/fstab lines, or <vfroot>/local.
// The mounts themselves need the network and happen in the `mounts` step.
import { defineStep, type PlanContext } from '../step-def.js'
import { servesNfs } from './nfs-server.js'
import { SHARED_PATHS } from '../../model/shared-names.js'

const VFROOT = SHARED_PATHS.vfroot

export const FSTAB_BEGIN = '# BEGIN bai-seed shared storage'
export const FSTAB_END = '# END bai-seed shared storage'

export function usesNfs(ctx: PlanContext): boolean {
  return ctx.inventory.storage.type === 'nfs' && !ctx.settings.storage.local
}

export interface StorageVars {
  nfs: boolean
  /** This node is the cluster's NFS server: its <vfroot>/<name> are bind mounts of the export folders. */
  server?: boolean
  exportDirs?: string[]
  dirs: string[]
  uid: number
  gid: number
  begin: string
  end: string
  lines: string[]
}

export const storageStep = defineStep<StorageVars>({
  id: 'storage',
  title: `Prepare ${VFROOT} and the shared storage entries`,
  network: false,
  rootable: true,
  settings: ['storage'],
  applies: (ctx) => ctx.settings.storage.enabled,
  vars: (ctx) => {
    const { uid, gid } = ctx.settings.user
    if (!usesNfs(ctx)) {
      return { nfs: false, dirs: [`${VFROOT}/local`], uid, gid, begin: FSTAB_BEGIN, end: FSTAB_END, lines: [] }
    }
    const storage = ctx.inventory.storage
    const exports = storage.exports ?? []
    // The NFS server never mounts from itself: its <vfroot>/<name> are bind mounts of the export folders, which it
    // creates here, owned by the service account like the mount points.
    const server = servesNfs(ctx)
    const lines = exports.map((e) => {
      if (server) return `${e.path} ${VFROOT}/${e.name} none bind 0 0`
      const options = (e.options ?? ctx.settings.storage.nfs_options).join(',')
      return `${storage.server}:${e.path} ${VFROOT}/${e.name} nfs ${options} 0 0`
    })
    const exportDirs = server ? exports.map((e) => e.path) : []
    return { nfs: true, server, dirs: exports.map((e) => `${VFROOT}/${e.name}`), exportDirs, uid, gid, begin: FSTAB_BEGIN, end: FSTAB_END, lines }
  },
})

export interface MountsVars {
  dirs: string[]
  uid: number
  gid: number
  /** How many times to try each mount (retries doubling from 2 s). */
  tries: number
}

export const mountsStep = defineStep<MountsVars>({
  id: 'mounts',
  title: 'Mount the shared storage',
  network: true,
  rootable: false,
  settings: ['storage'],
  applies: (ctx) => ctx.settings.storage.enabled && usesNfs(ctx),
  vars: (ctx) => ({
    dirs: (ctx.inventory.storage.exports ?? []).map((e) => `${VFROOT}/${e.name}`),
    uid: ctx.settings.user.uid,
    gid: ctx.settings.user.gid,
    // When the NFS server is a node of this cluster, it may still be installing its server at first boot: wait
    // longer for it (retries doubling from 2 s: 4 tries about 14 s, 9 tries about 8.5 minutes).
    tries: ctx.cluster.storageServerInCluster && !servesNfs(ctx) ? 9 : 4,
  }),
})
