// The one-shot install state of the PXE tree: out/pxe/installed/01-<mac> exists (non-empty) for each node that
// reported a finished install. bai-seed serve writes it when the node's installer reports its finished install (src/fleet/report-route.ts); `bai-seed pxe --reinstall NODE`
// removes it; `bai-seed pxe` keeps it when it writes the tree again. Nodes and their MACs come from out/pxe/nodes.json.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { installedMarker, markerPath, NODES_FILE, PXE_DIR, type PxeNodeEntry } from '../render/pxe/render-pxe.js'

/** The nodes of the PXE tree in `outDir`, or null when there is no (readable) tree. */
export function readPxeNodes(outDir: string): PxeNodeEntry[] | null {
  try {
    const data = JSON.parse(readFileSync(join(outDir, PXE_DIR, NODES_FILE), 'utf8')) as { nodes?: unknown }
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

/** Writes the node's marker atomically (temporary file + rename). */
export function markInstalled(outDir: string, node: PxeNodeEntry): string {
  const file = markerFile(outDir, node.mac)
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${dirname(file)}/.tmp-${process.pid}-${node.hostname}`
  writeFileSync(tmp, installedMarker(node.hostname, node.mac), { mode: 0o644 })
  renameSync(tmp, file)
  return file
}

/** Removes the node's marker; false when there was none. */
export function clearInstalled(outDir: string, node: PxeNodeEntry): boolean {
  const file = markerFile(outDir, node.mac)
  try {
    readFileSync(file)
  } catch {
    return false
  }
  rmSync(file, { force: true })
  return true
}
