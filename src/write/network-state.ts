// The networks of the rendered inventory, kept in the output folder's state (`.bai-seed/networks.json`, never served)
// for `bai-seed serve`: the addresses it answers by default are these subnets and loopback (serve --allow). Written
// by render under the output folder's lock, never through a planted link; read with a size cap.
import { join } from 'node:path'
import { STATE_DIR } from './output-state.js'
import { withOutputLock } from './output-lock.js'
import { readRegularFile } from './read-regular-file.js'
import { replaceFileBeneath } from './write-beneath.js'

export const NETWORKS_FILE = 'networks.json'

/** Records the subnets (CIDR) of the inventory; unchanged content is not written again. */
export async function recordNetworks(outDir: string, subnets: readonly string[]): Promise<void> {
  const text = `${JSON.stringify({ subnets: [...new Set(subnets)].sort() }, null, 2)}\n`
  if (readRegularFile(join(outDir, STATE_DIR, NETWORKS_FILE), 64 * 1024)?.toString('utf8') === text) return
  await withOutputLock(outDir, undefined, async () => replaceFileBeneath(outDir, [STATE_DIR, NETWORKS_FILE], text, 0o600))
}

/** The recorded subnets, or null when there are none (a folder rendered before they were recorded). */
export function readNetworks(outDir: string): string[] | null {
  const bytes = readRegularFile(join(outDir, STATE_DIR, NETWORKS_FILE), 64 * 1024)
  if (!bytes) return null
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { subnets?: unknown }
    return Array.isArray(value.subnets) ? value.subnets.filter((s): s is string => typeof s === 'string') : null
  } catch {
    return null
  }
}
