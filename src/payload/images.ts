// The pre-pull images: copied with skopeo into one OCI layout in the build cache (a layer shared by several images is
// stored once, and a re-run fetches only blobs it does not have), then written as one docker-archive,
// images/images.tar, whose manifest.json names every image by its original reference: `docker load` on the node
// tags them as the nodes' images step expects.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import { runTool } from './run-tool.js'
import { sha256File } from './file-hash.js'

export interface ImageContext {
  cache: string
  tree: string
  /** Folder of *.crt files skopeo trusts for the registries (the inventory's site CAs), or null. */
  certDir: string | null
  log: (line: string) => void
}

interface Descriptor {
  mediaType?: string
  digest: string
  size: number
  platform?: { os?: string; architecture?: string }
}

const LISTS = ['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']

function skopeoSrc(ctx: ImageContext): string[] {
  return ['--override-os', 'linux', '--override-arch', 'amd64', ...(ctx.certDir ? ['--src-cert-dir', ctx.certDir] : [])]
}

/** The bytes of the images' layers and configs as the registries list them (the estimate before any download). */
export async function estimateImages(images: ReadonlyMap<string, string>, ctx: ImageContext): Promise<number> {
  let total = 0
  for (const source of new Set(images.values())) {
    const certs = ctx.certDir ? ['--cert-dir', ctx.certDir] : []
    let raw = JSON.parse((await runTool('skopeo', ['inspect', '--raw', ...certs, `docker://${source}`])).stdout) as { mediaType?: string; manifests?: Descriptor[]; layers?: Descriptor[]; config?: Descriptor }
    if (raw.manifests && (LISTS.includes(raw.mediaType ?? '') || !raw.layers)) {
      const pick = raw.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? raw.manifests[0]
      if (!pick) continue
      const repo = source.replace(/[:@][^/]*$/, '')
      raw = JSON.parse((await runTool('skopeo', ['inspect', '--raw', ...certs, `docker://${repo}@${pick.digest}`])).stdout)
    }
    total += (raw.config?.size ?? 0) + (raw.layers ?? []).reduce((n, l) => n + l.size, 0)
  }
  return total
}

/** Docker's name for a reference in an archive's RepoTags: with a tag (latest when none). */
function repoTag(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1)
  return last.includes(':') ? ref : `${ref}:latest`
}

export async function writeImages(images: ReadonlyMap<string, string>, ctx: ImageContext): Promise<{ images: number; bytes: number }> {
  const layout = join(ctx.cache, 'oci')
  mkdirSync(layout, { recursive: true })
  const refs = [...images.keys()].sort()
  for (const [i, ref] of refs.entries()) {
    ctx.log(`image ${i + 1}/${refs.length}: ${ref}${images.get(ref) !== ref ? ` (from ${images.get(ref)})` : ''}`)
    await runTool('skopeo', ['copy', '-q', ...skopeoSrc(ctx), `docker://${images.get(ref)!}`, `oci:${layout}:${ref}`])
  }
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: (Descriptor & { annotations?: Record<string, string> })[] }
  const blob = (digest: string): string => `blobs/sha256/${digest.replace(/^sha256:/, '')}`
  const entries: { Config: string; RepoTags: string[]; Layers: string[] }[] = []
  const blobs = new Set<string>()
  for (const ref of refs) {
    const d = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref)
    if (!d) throw new OutputError('IMAGES', layout, `skopeo stored no image named ${ref}`)
    const manifest = JSON.parse(readFileSync(join(layout, blob(d.digest)), 'utf8')) as { config: Descriptor; layers: Descriptor[] }
    const entry = { Config: blob(manifest.config.digest), RepoTags: [repoTag(ref)], Layers: manifest.layers.map((l) => blob(l.digest)) }
    entries.push(entry)
    blobs.add(entry.Config)
    entry.Layers.forEach((l) => blobs.add(l))
  }
  writeFileSync(join(layout, 'manifest.json'), JSON.stringify(entries) + '\n')
  const dir = join(ctx.tree, 'images')
  mkdirSync(dir, { recursive: true })
  const out = join(dir, 'images.tar')
  const tmp = join(ctx.cache, 'images.tar.new')
  await runTool('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu', '-cf', tmp, '-C', layout, 'manifest.json', ...[...blobs].sort()])
  if (existsSync(out) && (await sha256File(out)) === (await sha256File(tmp))) rmSync(tmp)
  else renameSync(tmp, out)
  const { statSync } = await import('node:fs')
  return { images: refs.length, bytes: statSync(out).size }
}
