// load -> plan -> PXE tree: renders out/pxe/ for the selected nodes and swaps it into the output folder atomically
// (the same staging + rename as the node folders), then rebuilds manifest.json.
import { existsSync, mkdirSync } from 'node:fs'
import { planHoldsSecrets } from '../plan/plan-secrets.js'
import { nodeSeedPath, serveKey } from '../serve/node-token.js'
import { asOutputError } from '../write/output-error.js'
import { checkOutputFolder } from '../write/output-guard.js'
import { join } from 'node:path'
import type { Diagnostic } from '../validate/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import { hasErrors, shippedProfilesDir, type ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { resolvePxeOptions, type PxeFlags } from '../render/pxe/boot-options.js'
import { renderPxe, PXE_DIR } from '../render/pxe/render-pxe.js'
import { writeOutput } from '../write/output-dir.js'
import { sourceDateEpoch } from '../write/source-date.js'

export interface PxeRequest extends ClusterInput {
  outDir: string
  only: string[]
  env: NodeJS.ProcessEnv
  flags: PxeFlags
}

export interface PxeResult {
  diagnostics: Diagnostic[]
  /** Bad flags or values no boot loader can carry; nothing was written. */
  errors: string[]
  warnings: string[]
  booted: string[]
  manifest?: Manifest
}

export async function writePxeTree(request: PxeRequest): Promise<PxeResult> {
  const { options, errors } = resolvePxeOptions(request.flags)
  if (!options) return { diagnostics: [], errors, warnings: [], booted: [] }
  const { plans, diagnostics } = planFromInput({ ...request, powerOffWhenDone: false })
  if (hasErrors(diagnostics)) return { diagnostics, errors: [], warnings: [], booted: [] }
  const cluster = plans[0]?.cluster ?? ''
  // Seeds holding secrets are served only with their node's token: their boot entries carry it.
  const secretNodes = plans.filter(planHoldsSecrets).map((p) => p.hostname)
  if (secretNodes.length) {
    let key: Buffer
    try {
      checkOutputFolder(request.outDir, { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] })
      mkdirSync(request.outDir, { recursive: true })
      key = serveKey(request.outDir)
    } catch (e) {
      throw asOutputError(e, request.outDir)
    }
    options.nodePaths = new Map(secretNodes.map((h) => [h, nodeSeedPath(key, h)]))
  }
  const rendered = renderPxe(plans, options, cluster)
  if (rendered.errors.length) return { diagnostics, errors: rendered.errors, warnings: rendered.warnings, booted: [] }
  const warnings = [...rendered.warnings]
  for (const host of rendered.booted) {
    if (!existsSync(join(request.outDir, host, 'autoinstall', 'user-data'))) {
      warnings.push(`${host}: ${join(request.outDir, host, 'autoinstall')}/ is not rendered yet; run bai-seed render before booting`)
    }
  }
  // The PXE tree is swapped in like a node folder named "pxe" (render-pxe refuses a node of that name).
  const { manifest } = await writeOutput([{ hostname: PXE_DIR, artifacts: rendered.files }], {
    dir: request.outDir,
    epoch: sourceDateEpoch(request.env),
    inputs: { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] },
  })
  return { diagnostics, errors: [], warnings, booted: rendered.booted, manifest }
}
