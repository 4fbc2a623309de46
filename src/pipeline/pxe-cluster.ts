// load -> plan -> PXE tree: renders out/pxe/ for the selected nodes and switches its files into the output folder
// (write/output-dir.ts writeFileSet: staged in .bai-seed/, swapped file by file, manifest.json last as the commit).
// out/pxe/ is also the TFTP root: the files put there by hand (boot loaders, casper/, the ISO, other loader configs)
// are never moved, replaced or removed, and a generated file's place taken by one of them stops the run. Install
// markers of nodes still in the tree under the same MAC stay; `--reinstall` removes install markers only.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hasErrors, inputProblem, type Problem } from '../diagnostics/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import type { ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { isoUrlFor, resolvePxeOptions, type PxeFlags, type PxeOptions } from '../render/pxe/boot-options.js'
import type { NodePlan } from '../model/plan.js'
import { osTarget } from '../targets/os-targets.js'
import { normalizeMac } from '../render/pxe/mac-address.js'
import { markerPath, pxeKernelArgs, renderPxe, NODES_FILE, PXE_DIR, type PxeRender } from '../render/pxe/render-pxe.js'
import { checkPxeNodes } from '../validate/validate-media.js'
import { writeFileSet } from '../write/output-dir.js'
import { artifactBytes } from '../write/artifact-bytes.js'
import { nodeSeedPath, nodeToken, readOrCreateNodeKey } from '../serve/node-token.js'
import { nodeFilesAreSecret } from '../fleet/report-url.js'
import { clearInstalled, readPxeNodes } from '../write/pxe-state.js'
import { removeFileBeneath } from '../write/write-beneath.js'

export interface PxeRequest extends ClusterInput {
  outDir: string
  only: string[]
  env: NodeJS.ProcessEnv
  flags: PxeFlags
}

export interface PxeResult {
  /** The input's problems (the inventory, the nodes for PXE, the flags); with an error nothing was written. */
  diagnostics: Problem[]
  /** About the output folder (files a machine will fetch and that are missing, nodes not rendered yet). */
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
    // Never through a link planted at pxe/ or installed/ (serve writes there too).
    else removeFileBeneath(outDir, [PXE_DIR, 'installed', name])
  }
  return kept.sort()
}

/** Boot loaders in out/pxe/: file, who loads it, where to get it (Debian and Ubuntu package names). */
const PXE_LOADERS: readonly (readonly [string, string, string])[] = [
  ['grubnetx64.efi', 'UEFI machines boot it by TFTP', 'copy /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed from the grub-efi-amd64-signed package'],
  ['pxelinux.0', 'BIOS machines boot it by TFTP', 'copy /usr/lib/PXELINUX/pxelinux.0 from the pxelinux package'],
  ['ldlinux.c32', 'pxelinux.0 loads it', 'copy /usr/lib/syslinux/modules/bios/ldlinux.c32 from the syslinux-common package'],
]

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
  // The boot loaders the README says to put there: DHCP names them, the firmware loads them by TFTP.
  for (const [file, why, from] of PXE_LOADERS) {
    if (!existsSync(join(pxeDir, file))) warnings.push(`${join(pxeDir, file)} is missing (${why}): ${from}`)
  }
  return warnings
}

export async function writePxeTree(request: PxeRequest): Promise<PxeResult> {
  const { options, problems } = resolvePxeOptions(request.flags)
  if (!options) return { diagnostics: problems, warnings: [], booted: [] }
  const planned = planFromInput({ ...request, powerOffWhenDone: false })
  const { plans, profileDirs } = planned
  if (hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics, warnings: [], booted: [] }
  // Checked before the key is made: tokens of any key have the same length and characters.
  const standIn = Buffer.alloc(32)
  const checkOptions = { ...options, nodePaths: new Map(plans.filter(nodeFilesAreSecret).map((p) => [p.hostname, nodeSeedPath(standIn, p.hostname)])) }
  const diagnostics = [...planned.diagnostics, ...checkPxeNodes(planned.doc!, plans, (p) => pxeKernelArgs(p, checkOptions, (h) => nodeToken(standIn, 'report', h)))]
  if (hasErrors(diagnostics)) return { diagnostics, warnings: [], booted: [] }
  const cluster = plans[0]?.cluster ?? ''
  const markers = new Map(
    plans.filter((p) => p.address.mac).map((p) => [markerPath(normalizeMac(p.address.mac!)!), p.hostname]),
  )
  let rendered!: PxeRender
  let installed: string[] = []
  // The PXE tree shares out/pxe/ (the TFTP root) with the operator's boot loaders, casper/ and ISO and with the
  // install markers: only the files the manifest lists are replaced or removed, nothing else there is moved. The
  // switch holds the output folder's lock, which `bai-seed serve` takes to record a report (pxe-state.ts
  // markInstalled), and never moves a marker: a report is never lost to a swap.
  const { manifest } = await writeFileSet(
    PXE_DIR,
    (folder) => {
      // Under the lock, once the folder is known to be ours: the folder's key, made now when it has none.
      const key = readOrCreateNodeKey(folder.dir)
      // Seeds holding secrets (or the node's report token) are served only with their node's seed token: their boot
      // entries carry it. The finished install is reported to the node's report URL on this server (one mechanism
      // with every other report).
      options.nodePaths = new Map(plans.filter(nodeFilesAreSecret).map((p) => [p.hostname, nodeSeedPath(key, p.hostname)]))
      rendered = renderPxe(plans, options, cluster, (host) => nodeToken(key, 'report', host))
      installed = dropStaleMarkers(folder.dir, markers)
      return rendered.files.map((a) => ({ manifestPath: `${PXE_DIR}/${a.path}`, data: artifactBytes(a), mode: a.mode }))
    },
    { dir: request.outDir, inputs: { inventory: request.inventoryFile, profiles: profileDirs } },
  )
  const warnings: string[] = []
  for (const host of rendered.booted) {
    if (!existsSync(join(request.outDir, host, 'autoinstall', 'user-data'))) {
      warnings.push(`${host}: ${join(request.outDir, host, 'autoinstall')}/ is not rendered yet; run bai-seed render before booting`)
    }
  }
  for (const host of installed) warnings.push(`${host}: reported a finished install; it boots from its local disk until bai-seed pxe --reinstall ${host}`)
  warnings.push(...missingFetches(request.outDir, options, plans))
  return { diagnostics, warnings, booted: rendered.booted, manifest }
}

export interface ReinstallResult {
  /** Flag problems (an unknown node, no PXE tree yet); nothing was changed for those nodes. */
  problems: Problem[]
  /** Nodes whose marker was removed, and nodes that had none. */
  cleared: string[]
  notInstalled: string[]
}

/** Removes the install markers of the named nodes so that their next network boot installs them again. */
export function reinstallNodes(outDir: string, hostnames: readonly string[]): ReinstallResult {
  const nodes = readPxeNodes(outDir)
  if (!nodes) return { problems: [inputProblem('NO_PXE_TREE', `${join(outDir, PXE_DIR, NODES_FILE)} is missing: run bai-seed pxe first`)], cleared: [], notInstalled: [] }
  const problems: Problem[] = []
  const cleared: string[] = []
  const notInstalled: string[] = []
  for (const host of hostnames) {
    const node = nodes.find((n) => n.hostname === host)
    if (!node) {
      problems.push(inputProblem('UNKNOWN_NODE', `--reinstall ${host}: no such node in ${join(outDir, PXE_DIR, NODES_FILE)} (nodes: ${nodes.map((n) => n.hostname).join(', ')})`))
      continue
    }
    if (clearInstalled(outDir, node)) cleared.push(host)
    else notInstalled.push(host)
  }
  return { problems, cleared, notInstalled }
}
