// render -> bundle: renders the selected nodes (with their seed ISOs unless turned off), archives their folders
// into out/bundle.tar.gz or out/bundle.zip, and rebuilds manifest.json so that it lists the bundle.
import type { Manifest } from '../write/manifest.js'
import { writeManifest } from '../write/manifest.js'
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
  const bundle = await writeBundle({
    dir: request.outDir,
    hostnames: rendered.hostnames,
    format: request.format,
    epoch: sourceDateEpoch(request.env),
  })
  return { ...rendered, bundle, manifest: await writeManifest(request.outDir) }
}
