// load -> plan -> PXE tree: renders out/pxe/ for the selected nodes and swaps it into the output folder atomically
// (the same staging + rename as the node folders), then rebuilds manifest.json. out/pxe/ is also the TFTP root: the
// files put there by hand (boot loaders, casper/, the ISO) and the install markers of nodes still in the tree are
// kept across the swap (moved aside and back, same filesystem). `--reinstall` removes install markers only.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { hasErrors, inputProblem, type Problem } from '../diagnostics/diagnostic.js'
import type { Manifest } from '../write/manifest.js'
import { shippedProfilesDir, type ClusterInput } from './load-cluster.js'
import { planFromInput } from './render-cluster.js'
import { isoUrlFor, resolvePxeOptions, type PxeFlags, type PxeOptions } from '../render/pxe/boot-options.js'
import type { NodePlan } from '../model/plan.js'
import { osTarget } from '../targets/os-targets.js'
import { normalizeMac } from '../render/pxe/mac-address.js'
import { markerPath, pxeKernelArgs, renderPxe, NODES_FILE, PXE_DIR } from '../render/pxe/render-pxe.js'
import { checkPxeNodes } from '../validate/validate-media.js'
import { writeOutput } from '../write/output-dir.js'
import { withOutputLock } from '../write/output-lock.js'
import { sourceDateEpoch } from '../write/source-date.js'
import { nodeSeedPath, nodeToken, readOrCreateNodeKey } from '../serve/node-token.js'
import { nodeFilesAreSecret } from '../fleet/report-url.js'
import { asOutputError } from '../diagnostics/errors.js'
import { checkOutputFolder } from '../write/output-guard.js'
import { clearInstalled, readPxeNodes } from '../write/pxe-state.js'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'

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

/** Files of out/pxe/ that `bai-seed pxe` writes; anything else there is the operator's and is kept. */
function isGenerated(rel: string): boolean {
  return (
    rel === 'nginx.conf' ||
    rel === NODES_FILE ||
    rel === 'grub/grub.cfg' ||
    rel.startsWith('grub/grub.cfg-') ||
    rel.startsWith('pxelinux.cfg/') ||
    /^ipxe\/[^/]+\.ipxe$/.test(rel)
  )
}

function listFiles(dir: string, prefix = ''): string[] {
  let entries
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const out: string[] = []
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...listFiles(dir, rel))
    else out.push(rel)
  }
  return out
}

/** The host named in an install marker (its SAY line), or null. */
function markerHost(file: string): string | null {
  try {
    return /^SAY bai-seed: (\S+) reported/m.exec(readFileSync(file, 'utf8'))?.[1] ?? null
  } catch {
    return null
  }
}

function moveAll(from: string, to: string, rels: readonly string[]): void {
  for (const rel of rels) {
    mkdirSync(dirname(join(to, rel)), { recursive: true })
    renameSync(join(from, rel), join(to, rel))
  }
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
  const { plans } = planned
  if (hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics, warnings: [], booted: [] }
  // Checked before the key is made: tokens of any key have the same length and characters.
  const standIn = Buffer.alloc(32)
  const checkOptions = { ...options, nodePaths: new Map(plans.filter(nodeFilesAreSecret).map((p) => [p.hostname, nodeSeedPath(standIn, p.hostname)])) }
  const diagnostics = [...planned.diagnostics, ...checkPxeNodes(planned.doc!, plans, (p) => pxeKernelArgs(p, checkOptions, (h) => nodeToken(standIn, 'report', h)))]
  if (hasErrors(diagnostics)) return { diagnostics, warnings: [], booted: [] }
  const cluster = plans[0]?.cluster ?? ''
  let key: Buffer
  try {
    checkOutputFolder(request.outDir, { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] })
    mkdirSync(request.outDir, { recursive: true })
    key = readOrCreateNodeKey(request.outDir)
  } catch (e) {
    throw asOutputError(e, request.outDir)
  }
  // Seeds holding secrets (or the node's report token) are served only with their node's seed token: their boot
  // entries carry it.
  options.nodePaths = new Map(plans.filter(nodeFilesAreSecret).map((p) => [p.hostname, nodeSeedPath(key, p.hostname)]))
  // The finished install is reported to the node's report URL on this server (one mechanism with every other report).
  const rendered = renderPxe(plans, options, cluster, (host) => nodeToken(key, 'report', host))
  const warnings: string[] = []
  for (const host of rendered.booted) {
    if (!existsSync(join(request.outDir, host, 'autoinstall', 'user-data'))) {
      warnings.push(`${host}: ${join(request.outDir, host, 'autoinstall')}/ is not rendered yet; run bai-seed render before booting`)
    }
  }
  // Keep the operator's files and the markers of nodes that are still in the tree under the same MAC. The whole
  // swap holds the output folder's lock, which `bai-seed serve` takes to record a report (pxe-state.ts markInstalled):
  // a report arrives before the markers are set aside or after they are back, never in between (where it would land
  // in the old tree and be lost).
  const pxeDir = join(request.outDir, PXE_DIR)
  const markers = new Map(
    plans.filter((p) => rendered.booted.includes(p.hostname)).map((p) => [markerPath(normalizeMac(p.address.mac!)!), p.hostname]),
  )
  let kept: string[] = []
  let manifest!: Manifest
  await withOutputLock(request.outDir, undefined, async () => {
    kept = listFiles(pxeDir).filter((rel) => {
      if (isGenerated(rel)) return false
      if (!rel.startsWith('installed/')) return true
      return markers.get(rel) !== undefined && markers.get(rel) === markerHost(join(pxeDir, rel))
    })
    const holding = mkdtempSync(join(request.outDir, OUTPUT_LAYOUT.pxeKeepPrefix))
    try {
      moveAll(pxeDir, holding, kept)
      try {
        // The PXE tree is swapped in like a node folder named "pxe" (validation refuses a node of that name).
        ;({ manifest } = await writeOutput([{ hostname: PXE_DIR, artifacts: rendered.files }], {
          dir: request.outDir,
          epoch: sourceDateEpoch(request.env),
          inputs: { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] },
          // What is left in out/pxe/ now is generated or a marker dropped above: the operator's files are set aside.
          force: true,
        }))
      } finally {
        moveAll(holding, pxeDir, kept)
      }
    } finally {
      rmSync(holding, { recursive: true, force: true })
    }
  })
  for (const rel of kept) if (rel.startsWith('installed/')) warnings.push(`${markers.get(rel)}: reported a finished install; it boots from its local disk until bai-seed pxe --reinstall ${markers.get(rel)}`)
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
