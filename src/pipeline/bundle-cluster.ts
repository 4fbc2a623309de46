// render -> bundle: renders the selected nodes (with their seed ISOs unless turned off), archives their folders
// into out/bundle.tar.gz or out/bundle.zip, and rebuilds manifest.json so that it lists the bundle.
import { sha256File, type Manifest } from '../write/manifest.js'
import { modeString } from '../write/output-file.js'
import { commitStaged, withOutputFolder } from '../write/output-dir.js'
import { asOutputError } from '../diagnostics/errors.js'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { bundleFile } from '../model/output-layout.js'
import { renderCluster, type RenderRequest, type RenderResult } from './render-cluster.js'
import { writeBundle, type BundleFormat, type BundleResult } from '../write/bundle.js'
import { sourceDateEpoch } from '../write/source-date.js'

export interface BundleClusterRequest extends RenderRequest {
  format: BundleFormat
}

export interface BundleClusterResult extends RenderResult {
  bundle?: BundleResult
  manifest?: Manifest
}

export async function bundleCluster(request: BundleClusterRequest): Promise<BundleClusterResult> {
  const rendered = await renderCluster(request)
  if (!rendered.manifest) return rendered
  // Packed under the output lock, so that no other run changes the node folders while they are read.
  try {
    return await withOutputFolder({ dir: request.outDir }, async (folder) => {
      const name = bundleFile(request.format)
      folder.ownership.claimFile(name)
      let staging: string | undefined = folder.tempDir()
      try {
        const bundle = await writeBundle({
          dir: request.outDir,
          root: rendered.cluster ?? 'bundle',
          hostnames: rendered.hostnames,
          format: request.format,
          // SOURCE_DATE_EPOCH only when asked for; otherwise the files' own times (write/bundle.ts).
          epoch: request.env.SOURCE_DATE_EPOCH ? sourceDateEpoch(request.env) : null,
          stagingDir: join(request.outDir, staging),
        })
        const entry = { path: name, size: statSync(bundle.path).size, mode: modeString(bundle.mode), sha256: await sha256File(bundle.path) }
        const manifest = await commitStaged(folder, staging, [entry])
        staging = undefined
        return { ...rendered, bundle: { ...bundle, path: join(request.outDir, name) }, manifest }
      } finally {
        if (staging) rmSync(join(request.outDir, staging), { recursive: true, force: true })
      }
    })
  } catch (e) {
    throw asOutputError(e, request.outDir)
  }
}
