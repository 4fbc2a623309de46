// Checks that need each node's resolved settings (after `extends`, merging and overrides): they point at the file
// and position that set the offending value (its origin), and name the nodes concerned. The same origin shared by
// several nodes gives one diagnostic listing them all.
import type { SourceDoc } from '../load/source-doc.js'
import { PBS_RELEASES, releaseLine } from '../model/releases.js'
import type { Origin, ResolvedNode } from '../model/resolved.js'
import { formatPath, sortDiagnostics, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js'
import { M } from '../diagnostics/messages.js'
import { isStorageServerNode } from '../model/storage-server.js'
import type { Inventory } from '../model/inventory.js'
import { cudaPullsDriver, nvidiaChoice } from '../model/nvidia-choice.js'
import { CUDA_MIN_DRIVER, DEFAULT_TARGET, TARGET_IDS, type TargetId } from '../targets/os-targets.js'

export interface OriginPosition {
  file: string
  line: number
  col: number
}

export type LocateOrigin = (origin: Origin) => OriginPosition

export function validateResolved(nodes: readonly ResolvedNode[], inventory: SourceDoc, locate: LocateOrigin): Diagnostic[] {
  const found = new Map<string, { d: Diagnostic; base: string; nodes: string[] }>()

  const report = (rn: ResolvedNode, settingsPath: string, code: string, message: string, severity: Severity = 'error') => {
    const origin = originOf(rn, settingsPath)
    const pos = origin ? locate(origin) : undefined
    const path = origin ? origin.path : ['nodes', rn.index]
    const where = pos ?? { file: inventory.file, ...inventory.locate(path, 'key') }
    const key = `${code}\0${where.file}\0${where.line}\0${where.col}\0${message}`
    const hostname = rn.node.hostname
    const hit = found.get(key)
    if (hit) {
      if (!hit.nodes.includes(hostname)) hit.nodes.push(hostname)
      return
    }
    const d: Diagnostic = { ...where, code, path: formatPath(path), message, severity }
    found.set(key, { d, base: message, nodes: [hostname] })
  }

  const inv = inventory.value as { cluster?: { release?: unknown }; offline?: unknown } | null
  const offline = inv?.offline !== undefined && inv.offline !== null
  const release = typeof inv?.cluster?.release === 'string' ? inv.cluster.release : undefined
  const line = release === undefined ? undefined : releaseLine(release)

  for (const rn of nodes) {
    const s = rn.settings
    if (s.python.enabled) {
      const { version, release: pbs, method } = s.python
      if (version !== 'auto' && line && release !== undefined && minorOf(version) !== line.minor) {
        report(rn, 'python.version', 'PYTHON_RELEASE_MISMATCH', M.pythonReleaseMismatch(version, release, line.minor))
      }
      if (method === 'static') {
        const effective = version === 'auto' ? line?.pin.version : version
        const known = effective === undefined ? undefined : PBS_RELEASES[effective]
        if (pbs !== 'auto' && effective !== undefined && !(known ?? []).includes(pbs)) {
          report(rn, 'python.release', 'PBS_RELEASE_UNKNOWN', M.pbsReleaseUnknown(effective, pbs, known ?? []), 'warning')
        }
        if (pbs === 'auto' && version !== 'auto' && known === undefined) {
          report(rn, 'python.version', 'PBS_RELEASE_NEEDED', M.pbsReleaseNeeded(version))
        }
      }
    }
    if (offline && s.python.enabled && s.python.method === 'pyenv') report(rn, 'python.method', 'OFFLINE_PYENV', M.offlinePyenv)
    if (offline && s.nvidia.enabled && s.nvidia.driver.method === 'ubuntu-drivers') {
      report(rn, 'nvidia.driver.method', 'OFFLINE_UBUNTU_DRIVERS', M.offlineUbuntuDrivers)
    }
    if (s.nvidia.enabled && !s.docker.enabled) report(rn, 'nvidia.enabled', 'NVIDIA_WITHOUT_DOCKER', M.nvidiaWithoutDocker)
    if (s.nvidia.enabled) checkNvidia(rn, targetOf(rn, inventory), report)
    if (s.images.enabled && s.images.pull.length > 0 && !s.docker.enabled) {
      report(rn, 'images.enabled', 'IMAGES_WITHOUT_DOCKER', M.imagesWithoutDocker)
    }
    if (s.services.venvs.length > 0 && !s.python.enabled) report(rn, 'services.venvs', 'VENVS_WITHOUT_PYTHON', M.venvsWithoutPython)
    if (s.services.venvs.length > 0 && !s.user.enabled) report(rn, 'services.venvs', 'VENVS_WITHOUT_USER', M.venvsWithoutUser)
  }
  checkIds(nodes, report)
  checkStorageServer(nodes, inventory, found)

  return sortDiagnostics([...found.values()].map(({ d, base, nodes: names }) => ({ ...d, message: M.onNodes(base, names) })))
}

type Report = (rn: ResolvedNode, settingsPath: string, code: string, message: string, severity?: Severity) => void

function targetOf(rn: ResolvedNode, doc: SourceDoc): TargetId {
  const os = rn.node.os ?? (doc.value as { cluster?: { os?: unknown } } | null)?.cluster?.os
  return (TARGET_IDS as readonly unknown[]).includes(os) ? (os as TargetId) : DEFAULT_TARGET
}

// The driver branch, the CUDA toolkit it must carry, and values the chosen method would not use.
function checkNvidia(rn: ResolvedNode, target: TargetId, report: Report): void {
  const n = rn.settings.nvidia
  const c = nvidiaChoice(n, target)
  if (!c.branch) report(rn, 'nvidia.driver.package', 'DRIVER_BRANCH_UNKNOWN', M.driverBranchUnknown(c.package))
  if (n.driver.method === 'ubuntu-drivers' && n.driver.dkms) report(rn, 'nvidia.driver.dkms', 'DKMS_IGNORED', M.dkmsIgnored, 'warning')
  if (n.driver.method === 'package' && !n.driver.dkms && c.branch && !c.branch.noDkms) {
    report(rn, 'nvidia.driver.package', 'DKMS_PACKAGE', M.dkmsPackageMismatch(c.package), 'warning')
  }
  if (n.cuda.enabled) {
    const min = c.cudaVersion === undefined ? undefined : CUDA_MIN_DRIVER[c.cudaVersion]
    if (cudaPullsDriver(c.cuda)) report(rn, 'nvidia.cuda.package', 'CUDA_PULLS_DRIVER', M.cudaPullsDriver(c.cuda))
    else if (min === undefined) report(rn, 'nvidia.cuda.package', 'CUDA_VERSION_UNKNOWN', M.cudaVersionUnknown(c.cuda), 'warning')
    else if (c.branch && c.branch.number < min) {
      const at = n.cuda.package === 'auto' ? 'nvidia.driver.package' : 'nvidia.cuda.package'
      report(rn, at, 'CUDA_DRIVER_MISMATCH', M.cudaDriverMismatch(c.cuda, c.cudaVersion!, c.package, c.branch.number, min))
    }
  }
  if (n.mig.enabled && Object.keys(n.mig.layout).length === 0) report(rn, 'nvidia.mig.enabled', 'MIG_LAYOUT_EMPTY', M.migLayoutEmpty)
  if (n.mig.enabled && n.gpus > 0) {
    for (const index of Object.keys(n.mig.layout)) {
      if (index !== 'all' && Number(index) >= n.gpus) report(rn, 'nvidia.mig.layout', 'MIG_GPU_OUT_OF_RANGE', M.migGpuOutOfRange(index, n.gpus))
    }
  }
  if (n.dcgm.enabled && !n.cuda.enabled) report(rn, 'nvidia.dcgm.enabled', 'DCGM_WITHOUT_CUDA', M.dcgmWithoutCuda)
  const images = rn.settings.images
  if (n.check_image === 'auto' && n.container_toolkit.enabled && rn.settings.docker.enabled && !(images.enabled && images.pull.length > 0)) {
    report(rn, 'nvidia.check_image', 'CHECK_IMAGE_NONE', M.checkImageNone, 'warning')
  }
}

// Storage on NFS is shared by every node, so one account must have one uid and gid everywhere, and one uid must not
// belong to two accounts.
function checkIds(nodes: readonly ResolvedNode[], report: Report): void {
  const byName = new Map<string, ResolvedNode>()
  const byUid = new Map<number, ResolvedNode>()
  const byGid = new Map<number, ResolvedNode>()
  for (const rn of nodes) {
    const u = rn.settings.user
    if (!u.enabled) continue
    const same = byName.get(u.name)
    if (same) {
      const o = same.settings.user
      if (o.uid !== u.uid) report(rn, 'user.uid', 'UID_CLASH', M.uidClash(u.name, u.uid, o.uid, same.node.hostname))
      if (o.gid !== u.gid) report(rn, 'user.gid', 'GID_CLASH', M.gidClash(u.name, u.gid, o.gid, same.node.hostname))
    } else byName.set(u.name, rn)
    const uidOwner = byUid.get(u.uid)
    if (uidOwner && uidOwner.settings.user.name !== u.name) {
      report(rn, 'user.uid', 'UID_CLASH', M.uidShared(u.uid, u.name, uidOwner.settings.user.name, uidOwner.node.hostname))
    } else if (!uidOwner) byUid.set(u.uid, rn)
    const gidOwner = byGid.get(u.gid)
    if (gidOwner && gidOwner.settings.user.name !== u.name) {
      report(rn, 'user.gid', 'GID_CLASH', M.gidShared(u.gid, u.name, gidOwner.settings.user.name, gidOwner.node.hostname))
    } else if (!gidOwner) byGid.set(u.gid, rn)
  }
}

// A node that is storage.server but does not serve (no storage role, no storage.nfs_server) would mount from itself
// at every boot and never succeed.
function checkStorageServer(nodes: readonly ResolvedNode[], doc: SourceDoc, found: Map<string, { d: Diagnostic; base: string; nodes: string[] }>): void {
  const inv = doc.value as Pick<Inventory, 'storage' | 'cluster'> | null
  if (!inv?.storage || inv.storage.type !== 'nfs' || !inv.cluster) return
  for (const rn of nodes) {
    const s = rn.settings.storage
    if (!s.enabled || s.local || !isStorageServerNode(inv, rn.node)) continue
    if (rn.node.roles.includes('storage') || s.nfs_server) continue
    const pos = doc.locate(['storage', 'server'], 'value')
    const d: Diagnostic = { file: doc.file, ...pos, code: 'STORAGE_SERVER_NOT_SERVING', path: 'storage.server', message: '', severity: 'error' }
    found.set(`STORAGE_SERVER\0${rn.node.hostname}`, { d, base: M.storageServerNotServing(rn.node.hostname), nodes: [rn.node.hostname] })
  }
}

/** The origin of a dotted settings path, else of its closest parent section that has one. */
function originOf(rn: ResolvedNode, settingsPath: string): Origin | undefined {
  const parts = settingsPath.split('.')
  for (let n = parts.length; n > 0; n--) {
    const o = rn.origins.get(parts.slice(0, n).join('.'))
    if (o) return o
  }
  return undefined
}

function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.')
}
