// The one-shot install state of the PXE tree: out/pxe/installed/01-<mac> exists (non-empty) for each node that
// reported a finished install. bai-seed serve writes it (markInstalled: the one place that records "installed");
// `bai-seed pxe --reinstall NODE` removes it; `bai-seed pxe` keeps it when it writes the tree again. Nodes and their
// MACs come from out/pxe/nodes.json.
//
// markInstalled holds the output folder's lock (output-lock.ts) while it writes, so a report never lands in a tree
// that `bai-seed pxe` is swapping out (and would be lost), and it writes only beneath the output folder, never
// through a planted symbolic link (write-beneath.ts).
import { lstatSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { installedMarker, markerPath, NODES_FILE, PXE_DIR, type PxeNodeEntry } from '../render/pxe/render-pxe.js'
import { withOutputLock } from './output-lock.js'
import { readRegularFile } from './read-regular-file.js'
import { replaceFileBeneath } from './write-beneath.js'

/** nodes.json of 10,000 nodes is under 1 MiB. */
const MAX_NODES_FILE = 16 * 1024 * 1024

/** How long a report waits for a writer (`bai-seed pxe` swapping the tree) to finish, by default. */
export const MARK_LOCK_WAIT_MS = 20_000

/** The nodes of the PXE tree in `outDir`, or null when there is no (readable) tree. */
export function readPxeNodes(outDir: string): PxeNodeEntry[] | null {
  try {
    const bytes = readRegularFile(join(outDir, PXE_DIR, NODES_FILE), MAX_NODES_FILE)
    if (!bytes) return null
    const data = JSON.parse(bytes.toString('utf8')) as { nodes?: unknown }
    if (!Array.isArray(data.nodes)) return null
    return data.nodes.filter(
      (n): n is PxeNodeEntry => typeof n === 'object' && n !== null && typeof n.hostname === 'string' && typeof n.mac === 'string',
    )
  } catch {
    return null
  }
}

export function markerFile(outDir: string, mac: string): string {
  return join(outDir, PXE_DIR, ...markerPath(mac).split('/'))
}

/** Whether the node's marker is there: a non-empty regular file (what GRUB's `[ -s ]` tests), not a link. */
export function isInstalled(outDir: string, mac: string): boolean {
  try {
    const st = lstatSync(markerFile(outDir, mac))
    return st.isFile() && st.size > 0
  } catch {
    return false
  }
}

/**
 * Records the node's finished install: writes its marker atomically (exclusive temporary file + rename, flushed)
 * under the output folder's lock. Resolves once the marker is on disk; rejects (nothing recorded) when the lock is
 * not free within `lockWaitMs` or the path holds a symbolic link.
 */
export async function markInstalled(outDir: string, node: PxeNodeEntry, lockWaitMs = MARK_LOCK_WAIT_MS): Promise<string> {
  return withOutputLock(outDir, lockWaitMs, async () => {
    replaceFileBeneath(outDir, [PXE_DIR, ...markerPath(node.mac).split('/')], installedMarker(node.hostname, node.mac), 0o644)
    return markerFile(outDir, node.mac)
  })
}

/** Removes the node's marker; false when there was none. */
export function clearInstalled(outDir: string, node: PxeNodeEntry): boolean {
  const file = markerFile(outDir, node.mac)
  try {
    lstatSync(file)
  } catch {
    return false
  }
  rmSync(file, { force: true })
  return true
}
