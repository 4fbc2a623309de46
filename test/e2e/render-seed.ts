// Runs the real CLI on test/e2e/cluster.yaml, as a user would, and finds the node's seed ISO in its output.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { repoRoot } from './e2e-paths.js'

export const e2eInventory = join(repoRoot, 'test/e2e/cluster.yaml')

export interface InventoryNode {
  hostname: string
  /** Address without the prefix length. */
  ip: string
}

export interface RenderedSeed {
  outDir: string
  hostname: string
  /** <out>/<hostname>/cloud-init.iso as the product wrote it (may be missing: see the test). */
  iso: string
  /** <out>/<hostname>/cloud-init/, the files the ISO carries. */
  seedDir: string
  nodes: InventoryNode[]
}

export function inventoryNodes(): InventoryNode[] {
  const doc = load(readFileSync(e2eInventory, 'utf8')) as { nodes: { hostname: string; ip: string }[] }
  return doc.nodes.map((n) => ({ hostname: n.hostname, ip: n.ip.split('/')[0] }))
}

/** `bai-seed render -c test/e2e/cluster.yaml -o outDir --power-off-when-done`; throws with its output on failure. */
export function renderE2eSeed(outDir: string): RenderedSeed {
  rmSync(outDir, { recursive: true, force: true })
  const args = [join(repoRoot, 'bin/run.js'), 'render', '-c', e2eInventory, '-o', outDir, '--power-off-when-done']
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`bai-seed render exited ${r.status}:\n${r.stdout}${r.stderr}`)
  const nodes = inventoryNodes()
  if (nodes.length !== 1) throw new Error(`test/e2e/cluster.yaml must have one node, has ${nodes.length}`)
  const hostname = nodes[0].hostname
  const seedDir = join(outDir, hostname, 'cloud-init')
  for (const name of ['user-data', 'meta-data', 'network-config']) {
    if (!existsSync(join(seedDir, name))) throw new Error(`render wrote no ${join(seedDir, name)}`)
  }
  return { outDir, hostname, iso: join(outDir, hostname, 'cloud-init.iso'), seedDir, nodes }
}
