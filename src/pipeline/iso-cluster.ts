// load -> plan -> installer seed -> remastered ISO: <output>/installer/<cluster>-autoinstall.iso, one ISO for every
// selected node (the node is picked at install time by MAC).
import { join } from 'node:path'
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { installerSeed } from '../iso/installer-seed.js'
import { checkInstallerIsoNodes } from '../validate/validate-media.js'
import { remaster, type RemasterResult } from '../iso/remaster.js'
import { sourceDateEpoch } from '../write/source-date.js'
import { installerIsoPath } from '../model/output-layout.js'
import { mkdirSync } from 'node:fs'
import { readOrCreateNodeKey } from '../serve/node-token.js'
import { asOutputError } from '../diagnostics/errors.js'

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
}

export async function writeInstallerIso(request: IsoRequest): Promise<IsoResult> {
  const planned = planFromInput({ ...request, powerOffWhenDone: false })
  const { plans } = planned
  if (hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics, nodes: [] }
  const diagnostics = [...planned.diagnostics, ...checkInstallerIsoNodes(planned.doc!, plans)]
  if (hasErrors(diagnostics)) return { diagnostics, nodes: [] }
  const cluster = plans[0]?.cluster ?? 'cluster'
  // Nodes that report carry their report URL (its token from the output folder's key, as render's files do).
  let key: Buffer | null = null
  if (plans.some((p) => p.reporting)) {
    try {
      mkdirSync(request.outDir, { recursive: true })
      key = readOrCreateNodeKey(request.outDir)
    } catch (e) {
      throw asOutputError(e, request.outDir)
    }
  }
  const seed = installerSeed(plans, cluster, key)
  const file = join(request.outDir, installerIsoPath(cluster))
  const nodes = plans.filter((p) => seed.nodes.includes(p.hostname)).map((p) => ({ hostname: p.hostname, target: p.target.id }))
  const remastered = await remaster({ base: request.base, outFile: file, nodes, seed: seed.files, epoch: sourceDateEpoch(request.env) })
  return { diagnostics, file, nodes: seed.nodes, remastered }
}
