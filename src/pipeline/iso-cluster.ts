// load -> plan -> installer seed -> remastered ISO: <output>/installer/<cluster>-autoinstall.iso, one ISO for every
// selected node (the node is picked at install time by MAC). Written like every output (write/output-folder.ts):
// the guard, the lock, the image streamed into an exclusive 0600 temporary file in a staging folder of `.bai-seed/`
// (removed by the next run when this one is killed), then switched in with manifest.json as the commit. The ISO is 0600 when a node's
// config on it holds a secret, and that config is 0600 inside the image too (Rock Ridge).
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { installerSeed } from '../iso/installer-seed.js'
import { checkInstallerIsoNodes } from '../validate/validate-media.js'
import { planRemaster, type RemasterResult } from '../iso/remaster.js'
import { sourceDateEpoch } from '../write/source-date.js'
import { fileMode, isSecretMode, modeString } from '../write/file-mode.js'
import { commitStaged, withOutputFolder } from '../write/output-dir.js'
import { sha256File, type Manifest } from '../write/manifest.js'
import { asOutputError } from '../diagnostics/errors.js'
import { installerIsoPath } from '../model/output-layout.js'
import { readNodeKey, readOrCreateNodeKey } from '../serve/node-token.js'

export interface IsoRequest extends ClusterInput {
  base: string
  outDir: string
  only: string[]
  env: NodeJS.ProcessEnv
}

export interface IsoResult {
  /** The input's problems; with an error nothing was written. */
  diagnostics: Diagnostic[]
  file?: string
  nodes: string[]
  remastered?: RemasterResult
  /** The ISO's mode on disk: 0600 when it holds a secret. */
  mode?: number
  manifest?: Manifest
}

export async function writeInstallerIso(request: IsoRequest): Promise<IsoResult> {
  const planned = planFromInput({ ...request, powerOffWhenDone: false })
  const { plans, profileDirs } = planned
  if (hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics, nodes: [] }
  const diagnostics = [...planned.diagnostics, ...checkInstallerIsoNodes(planned.doc!, plans)]
  if (hasErrors(diagnostics)) return { diagnostics, nodes: [] }
  const cluster = plans[0]?.cluster ?? 'cluster'
  // Nodes that report carry their report URL (its token from the output folder's key, as render's files do). The
  // base is read and checked before the output folder is touched, with the folder's key when it has one already
  // (read, never made, here) or else a stand-in (every key gives tokens of the same length and characters). Under the
  // folder's lock below the key is read, or made, again; only when it is not the one used here is the seed planned again.
  const reports = plans.some((p) => p.reporting)
  const keyUsed = reports ? (existingKey(request.outDir) ?? Buffer.alloc(32)) : null
  const standInSeed = installerSeed(plans, cluster, keyUsed)
  const rel = installerIsoPath(cluster)
  const file = join(request.outDir, ...rel.split('/'))
  const nodes = plans.filter((p) => standInSeed.nodes.includes(p.hostname)).map((p) => ({ hostname: p.hostname, target: p.target.id }))
  const mode = fileMode(standInSeed.files.some((f) => isSecretMode(f.mode)))
  const epoch = sourceDateEpoch(request.env)
  let remaster = planRemaster({ base: request.base, nodes, seed: standInSeed.files, epoch })
  const options = { dir: request.outDir, inputs: { inventory: request.inventoryFile, profiles: profileDirs } }
  return withOutputFolder(options, async (folder) => {
    let staging: string | undefined
    try {
      folder.ownership.claimFile(rel)
      if (keyUsed) {
        const key = readOrCreateNodeKey(folder.dir)
        if (!key.equals(keyUsed)) remaster = planRemaster({ base: request.base, nodes, seed: installerSeed(plans, cluster, key).files, epoch })
      }
      const remastered = remaster.result
      staging = folder.tempDir()
      // Streamed into the run's own staging folder (made by mkdtemp: nobody can have planted anything there), with an
      // exclusive 0600 temporary name, then switched in like every output (output-journal.ts).
      const staged = join(request.outDir, staging, ...rel.split('/'))
      mkdirSync(dirname(staged))
      await remaster.write(staged, { temp: `${staged}.partial`, mode })
      const entry = { path: rel, size: statSync(staged).size, mode: modeString(mode), sha256: await sha256File(staged) }
      const manifest = await commitStaged(folder, staging, [entry])
      staging = undefined
      return { diagnostics, file, nodes: standInSeed.nodes, remastered, mode, manifest }
    } catch (e) {
      throw asOutputError(e, request.outDir)
    } finally {
      if (staging) rmSync(join(request.outDir, staging), { recursive: true, force: true })
    }
  })
}

/** The output folder's key when it already has a readable one; anything else (no folder, no key, a bad key file) is
 * left to the checks under the lock. */
function existingKey(outDir: string): Buffer | null {
  try {
    return readNodeKey(outDir)
  } catch {
    return null
  }
}
