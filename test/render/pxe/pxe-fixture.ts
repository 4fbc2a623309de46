// Renders the PXE files of an inventory through the library, in memory, for tests that read them.
import { planFromInput } from '../../../src/pipeline/render-cluster.js'
import { resolvePxeOptions, type PxeFlags, type PxeOptions } from '../../../src/render/pxe/boot-options.js'
import { renderPxe, type PxeRender } from '../../../src/render/pxe/render-pxe.js'
import { nodeToken } from '../../../src/serve/node-token.js'
import { exampleInventory } from '../../helpers/repo.js'
import { formatDiagnostic } from '../../../src/diagnostics/diagnostic.js'
import type { NodePlan } from '../../../src/model/plan.js'

export const SERVE_ROOT = '/srv/bai-seed/out'

/** A fixed key, so that the tokens in the golden files stay the same. */
export const TEST_KEY = Buffer.alloc(32, 7)

export function planInventory(inventoryFile = exampleInventory, env: NodeJS.ProcessEnv = {}): NodePlan[] {
  const { plans, diagnostics } = planFromInput({ inventoryFile, profileDirs: [], only: [], powerOffWhenDone: false, env })
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics.map(formatDiagnostic).join('\n'))
  return plans
}

export function pxeOptions(flags: Partial<PxeFlags> & { httpBase: string }): PxeOptions {
  const { options, problems } = resolvePxeOptions({ serveRoot: SERVE_ROOT, ...flags })
  if (!options) throw new Error(problems.map(formatDiagnostic).join('\n'))
  return options
}

export function renderPxeFiles(plans: NodePlan[], options: PxeOptions): { files: Map<string, string>; result: PxeRender } {
  const result = renderPxe(plans, options, plans[0]?.cluster ?? '', (host) => nodeToken(TEST_KEY, 'report', host))
  return { files: new Map(result.files.map((f) => [f.path, f.content])), result }
}
