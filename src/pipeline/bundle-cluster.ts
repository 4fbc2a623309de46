// render -> bundle: renders the selected nodes (with their seed ISOs unless turned off), archives their folders
// into out/bundle.tar.gz or out/bundle.zip, and rebuilds manifest.json so that it lists the bundle.
import { basename } from 'node:path'
import { sha256File, type Manifest } from '../write/manifest.js'
import { modeString } from '../write/output-file.js'
import { recordInManifest } from '../write/output-dir.js'
import { withOutputLock } from '../write/output-lock.js'
import { asOutputError } from '../diagnostics/errors.js'
import { statSync } from 'node:fs'
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
    return await withOutputLock(request.outDir, undefined, async () => {
      const bundle = await writeBundle({
        dir: request.outDir,
        root: rendered.cluster ?? 'bundle',
        hostnames: rendered.hostnames,
        format: request.format,
        epoch: sourceDateEpoch(request.env),
      })
      const entry = { path: basename(bundle.path), size: statSync(bundle.path).size, mode: modeString(bundle.mode), sha256: await sha256File(bundle.path) }
      return { ...rendered, bundle, manifest: await recordInManifest(request.outDir, [entry]) }
    })
  } catch (e) {
    throw asOutputError(e, request.outDir)
  }
}
