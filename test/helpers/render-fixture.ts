// Renders an inventory through the library (no child process) into a fresh folder, for tests that read outputs.
import { join } from 'node:path'
import { renderCluster } from '../../src/pipeline/render-cluster.js'
import { tempDir } from './repo.js'
import { formatDiagnostic } from '../../src/diagnostics/diagnostic.js'

export async function renderFixture(inventoryFile: string, opts: { isos?: boolean; env?: NodeJS.ProcessEnv; profileDirs?: string[] } = {}): Promise<string> {
  const outDir = join(tempDir('render'), 'out')
  const result = await renderCluster({
    inventoryFile,
    profileDirs: opts.profileDirs ?? [],
    outDir,
    only: [],
    powerOffWhenDone: false,
    isos: opts.isos ?? false,
    env: { SOURCE_DATE_EPOCH: '1700000000', ...(opts.env ?? {}) },
  })
  if (!result.manifest) throw new Error('render failed:\n' + result.diagnostics.map(formatDiagnostic).join('\n'))
  return outDir
}
