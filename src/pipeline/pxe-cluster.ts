// load -> plan -> PXE tree: renders out/pxe/ for the selected nodes and switches its files into the output folder
// (write/output-dir.ts writeFileSet: staged in .bai-seed/, swapped file by file, manifest.json last as the commit).
// out/pxe/ is also the TFTP root: the files put there by hand (boot loaders, casper/, the ISO, other loader configs)
// are never moved, replaced or removed, and a generated file's place taken by one of them stops the run. Install
// markers of nodes still in the tree under the same MAC stay; `--reinstall` removes install markers only.
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import type { ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { isoUrlFor, resolvePxeOptions, type PxeFlags, type PxeOptions } from '../render/pxe/boot-options.js'
import type { NodePlan } from '../model/plan.js'
import { osTarget } from '../targets/os-targets.js'
import { normalizeMac } from '../render/pxe/mac-address.js'
import { markerPath, renderPxe, NODES_FILE, PXE_DIR } from '../render/pxe/render-pxe.js'
import { writeFileSet } from '../write/output-dir.js'
import { artifactBytes } from '../write/artifact-bytes.js'
import { nodeSeedPath, nodeToken, readNodeKey, readOrCreateNodeKey } from '../serve/node-token.js'
import { planHoldsSecrets } from '../plan/plan-secrets.js'
import { asOutputError } from '../write/output-error.js'
import { clearInstalled, readPxeNodes } from '../write/pxe-state.js'

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

/** The host named in an install marker that `bai-seed serve` wrote (its SAY line), or null for any other file. */
function markerHost(file: string): string | null {
  try {
    return /^SAY bai-seed: (\S+) reported/m.exec(readFileSync(file, 'utf8').slice(0, 4096))?.[1] ?? null
  } catch {
    return null
  }
}

/**
 * Removes the install markers (written by `bai-seed serve`) of nodes that are no longer in the tree under that MAC,
 * so that a machine given that MAC later installs; any other file in installed/ is the operator's and stays.
 */
function dropStaleMarkers(outDir: string, markers: ReadonlyMap<string, string>): string[] {
  const dir = join(outDir, PXE_DIR, 'installed')
  let names: string[]
  try {
    if (!lstatSync(dir).isDirectory()) return []
    names = readdirSync(dir)
  } catch {
    return []
  }
  const kept: string[] = []
  for (const name of names) {
    const rel = `installed/${name}`
    const file = join(dir, name)
    if (!lstatSync(file).isFile()) continue
    const host = markerHost(file)
    if (host === null) continue
    if (markers.get(rel) === host) kept.push(host)
    else rmSync(file, { force: true })
  }
  return kept.sort()
}

/** What a machine will fetch from the output folder and is not there (TFTP from out/pxe/, HTTP under --http-base). */
function missingFetches(outDir: string, options: PxeOptions, plans: readonly NodePlan[]): string[] {
  const pxeDir = join(outDir, PXE_DIR)
  const wanted = new Map<string, string[]>()
  const want = (file: string, why: string): void => {
    wanted.set(file, [...(wanted.get(file) ?? []), why])
  }
  want(join(pxeDir, options.kernel), 'GRUB and PXELINUX load it by TFTP')
  want(join(pxeDir, options.initrd), 'GRUB and PXELINUX load it by TFTP')
  const local = (url: string): string | null =>
    url.startsWith(options.httpBase) ? join(outDir, ...decodeURIComponent(url.slice(options.httpBase.length)).split('/')) : null
  for (const [why, url] of [
    ['iPXE loads it from', `${options.bootBase}${options.kernel}`],
    ['iPXE loads it from', `${options.bootBase}${options.initrd}`],
    // The installer ISO of each OS target that a node boots.
    ...[...new Set(plans.map((p) => p.target.id))].map((id) => ['the installer (casper url=) downloads it from', isoUrlFor(options, osTarget(id))] as const),
  ] as const) {
    const file = local(url)
    if (file) want(file, `${why} ${url}`)
  }
  const warnings: string[] = []
  for (const [file, whys] of wanted) {
    if (!existsSync(file)) warnings.push(`${file} is missing (${whys.join('; ')}): copy it from the Ubuntu live-server ISO (casper/ holds vmlinuz and initrd)`)
  }
  return warnings
}

export async function writePxeTree(request: PxeRequest): Promise<PxeResult> {
  const { options, errors } = resolvePxeOptions(request.flags)
  if (!options) return { diagnostics: [], errors, warnings: [], booted: [] }
  const { plans, diagnostics, profileDirs } = planFromInput({ ...request, powerOffWhenDone: false })
  if (hasErrors(diagnostics)) return { diagnostics, errors: [], warnings: [], booted: [] }
  const cluster = plans[0]?.cluster ?? ''
  const render = (key: Buffer) => {
    // Seeds holding secrets are served only with their node's seed token: their boot entries carry it.
    options.nodePaths = new Map(plans.filter(planHoldsSecrets).map((p) => [p.hostname, nodeSeedPath(key, p.hostname)]))
    return renderPxe(plans, options, cluster, (host) => nodeToken(key, 'pxe-done', host))
  }
  // First with the folder's key or a throw-away one, for the errors: a run that stops on them writes nothing.
  let rendered: ReturnType<typeof render>
  try {
    rendered = render(readNodeKey(request.outDir) ?? randomBytes(32))
  } catch (e) {
    throw asOutputError(e, request.outDir)
  }
  if (rendered.errors.length) return { diagnostics, errors: rendered.errors, warnings: rendered.warnings, booted: [] }
  const markers = new Map(
    plans.filter((p) => rendered.booted.includes(p.hostname)).map((p) => [markerPath(normalizeMac(p.address.mac!)!), p.hostname]),
  )
  let installed: string[] = []
  // The PXE tree shares out/pxe/ (the TFTP root) with the operator's boot loaders, casper/ and ISO and with the
  // install markers: only the files the manifest lists are replaced or removed, nothing else there is moved.
  const { manifest } = await writeFileSet(
    PXE_DIR,
    (folder) => {
      // Under the lock: the folder's key, made now when it has none.
      rendered = render(readOrCreateNodeKey(folder.dir))
      installed = dropStaleMarkers(folder.dir, markers)
      return rendered.files.map((a) => ({ manifestPath: `${PXE_DIR}/${a.path}`, data: artifactBytes(a), mode: a.mode }))
    },
    { dir: request.outDir, inputs: { inventory: request.inventoryFile, profiles: profileDirs } },
  )
  const warnings = [...rendered.warnings]
  for (const host of rendered.booted) {
    if (!existsSync(join(request.outDir, host, 'autoinstall', 'user-data'))) {
      warnings.push(`${host}: ${join(request.outDir, host, 'autoinstall')}/ is not rendered yet; run bai-seed render before booting`)
    }
  }
  for (const host of installed) warnings.push(`${host}: reported a finished install; it boots from its local disk until bai-seed pxe --reinstall ${host}`)
  warnings.push(...missingFetches(request.outDir, options, plans))
  return { diagnostics, errors: [], warnings, booted: rendered.booted, manifest }
}

export interface ReinstallResult {
  errors: string[]
  /** Nodes whose marker was removed, and nodes that had none. */
  cleared: string[]
  notInstalled: string[]
}

/** Removes the install markers of the named nodes so that their next network boot installs them again. */
export function reinstallNodes(outDir: string, hostnames: readonly string[]): ReinstallResult {
  const nodes = readPxeNodes(outDir)
  if (!nodes) return { errors: [`${join(outDir, PXE_DIR, NODES_FILE)} is missing: run bai-seed pxe first`], cleared: [], notInstalled: [] }
  const errors: string[] = []
  const cleared: string[] = []
  const notInstalled: string[] = []
  for (const host of hostnames) {
    const node = nodes.find((n) => n.hostname === host)
    if (!node) {
      errors.push(`--reinstall ${host}: no such node in ${join(outDir, PXE_DIR, NODES_FILE)} (nodes: ${nodes.map((n) => n.hostname).join(', ')})`)
      continue
    }
    if (clearInstalled(outDir, node)) cleared.push(host)
    else notInstalled.push(host)
  }
  return { errors, cleared, notInstalled }
}
