// The whole render: load -> validate -> resolve -> plan -> render -> write. Returns diagnostics instead of writing
// when the input has errors.
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js'
import { readManifest, type Manifest } from '../write/manifest.js'
import type { NodePlan } from '../model/plan.js'
import type { SourceDoc } from '../load/source-doc.js'
import { loadCluster, shippedProfilesDir, type ClusterInput } from './load-cluster.js'
import { planCluster, streamPlans } from './plan-cluster.js'
import { renderNodeFiles, renderNodeScript, type NodeScript } from '../render/render-node.js'
import { gzipBase64Async } from '../render/cloud-config/gzip-base64.js'
import { writeOutput, type NodeOutput } from '../write/output-dir.js'
import { renderPool, renderThreads } from './render-pool.js'
import { sourceDateEpoch } from '../write/source-date.js'
import { mkdirSync } from 'node:fs'
import { readOrCreateNodeKey } from '../serve/node-token.js'
import { reportUrlOf } from '../fleet/report-url.js'
import { asOutputError } from '../diagnostics/errors.js'
import { checkOutputFolder } from '../write/output-guard.js'
import { recordNetworks } from '../write/network-state.js'

export interface RenderRequest extends ClusterInput {
  outDir: string
  only: string[]
  powerOffWhenDone: boolean
  isos: boolean
  env: NodeJS.ProcessEnv
  /** Called after each node is rendered (for a progress line). */
  onProgress?: (done: number, total: number) => void
  /** Replace folders in the output folder that bai-seed's manifest does not account for. */
  force?: boolean
  /** Keep the folders of nodes no longer in the inventory (they are removed by default). */
  keepStale?: boolean
}

export interface RenderResult {
  diagnostics: Diagnostic[]
  /** The rendered nodes, in inventory order. */
  hostnames: string[]
  /** The cluster's name (once the input has no errors). */
  cluster?: string
  manifest?: Manifest
  /** Notes about the outputs (not the inputs), for the user. */
  notes: string[]
  /** Warnings about the output folder (stale node folders kept), for the user. */
  warnings?: string[]
  /** Files of this render that hold a secret (mode 0600/0700), by manifest path. */
  secretFiles?: string[]
}

/** The smallest user-data limit among common clouds (EC2 takes 16 KiB). NoCloud seeds and most others take more. */
export const SMALL_USER_DATA_LIMIT = 16384

/** From this many nodes on, nodes are rendered and written by a pool of threads, one per core (render-pool.ts). */
export const PARALLEL_WRITE_NODES = 16

/** load -> plan, shared by render, plan and the media commands; `doc` (the inventory) places their own checks. */
export function planFromInput(request: Omit<RenderRequest, 'outDir' | 'isos'>): { plans: NodePlan[]; diagnostics: Diagnostic[]; doc?: SourceDoc } {
  const cluster = loadCluster(request)
  if (hasErrors(cluster.diagnostics)) return { plans: [], diagnostics: cluster.diagnostics }
  const planned = planCluster(cluster, request)
  return { plans: planned.plans, diagnostics: [...cluster.diagnostics, ...planned.diagnostics], doc: cluster.inventoryDoc }
}

export async function renderCluster(request: RenderRequest): Promise<RenderResult> {
  const epoch = sourceDateEpoch(request.env)
  const cluster = loadCluster(request)
  if (hasErrors(cluster.diagnostics)) return { diagnostics: cluster.diagnostics, hostnames: [], notes: [] }
  const planned = streamPlans(cluster, request)
  const diagnostics = [...cluster.diagnostics, ...planned.diagnostics]
  if (hasErrors(diagnostics)) return { diagnostics, hostnames: [], notes: [] }
  const hostnames = planned.nodes.map((n) => n.node.hostname)
  // Reporting nodes carry their report URL, with a token made from the output folder's key (made now if missing).
  const inventory = cluster.inventory!
  const key = inventory.reporting || inventory.nodes.some((n) => n.reporting) ? outputKey(request) : null
  // The 16 KiB note is said once per output folder: not again when its last render was already over the limit.
  const toldBefore = largestCloudUserData(request.outDir) > SMALL_USER_DATA_LIMIT
  let done = 0
  // Step notes once each, not once per node.
  const stepNotes = new Set<string>()
  // Planned and rendered one node at a time as the writer takes them, so only a few nodes' texts are held at once.
  // A node's script is compressed (gz+b64, the slowest part of rendering) in libuv's thread pool while this thread
  // renders the next node's script, then its files are finished.
  async function* renderedNodes(): AsyncGenerator<NodeOutput> {
    let ahead: { node: NodeScript; gzB64: Promise<string> } | undefined
    const finish = async (started: { node: NodeScript; gzB64: Promise<string> }): Promise<NodeOutput> => {
      const { plan } = started.node
      const artifacts = renderNodeFiles(started.node, await started.gzB64)
      for (const step of plan.steps) for (const n of step.notes) stepNotes.add(n)
      return { hostname: plan.hostname, artifacts }
    }
    for (const plan of planned.plans) {
      const node = renderNodeScript(plan, reportUrlOf(plan, key))
      const started = { node, gzB64: gzipBase64Async(node.compact) }
      // Awaited below; this only keeps a failure from counting as unhandled meanwhile.
      started.gzB64.catch(() => {})
      if (ahead) {
        yield await finish(ahead)
        request.onProgress?.(++done, hostnames.length)
      }
      ahead = started
    }
    if (ahead) {
      yield await finish(ahead)
      request.onProgress?.(++done, hostnames.length)
    }
  }
  const options = {
    dir: request.outDir,
    epoch,
    seedIsos: request.isos,
    force: request.force,
    keepStale: request.keepStale,
    known: new Set(cluster.inventory?.nodes.map((n) => n.hostname) ?? hostnames),
    inputs: { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] },
  }
  // A large cluster: the plans go to the render threads as they are built; the notes are read off the plans here.
  function* pooledPlans(): Generator<NodePlan> {
    for (const plan of planned.plans) {
      for (const step of plan.steps) for (const n of step.notes) stepNotes.add(n)
      yield plan
    }
  }
  const written =
    hostnames.length >= PARALLEL_WRITE_NODES
      ? await writeOutput(pooledPlans(), {
          ...options,
          sink: (settings) => renderPool(settings, renderThreads(request.env), () => request.onProgress?.(++done, hostnames.length)),
        })
      : await writeOutput(renderedNodes(), options)
  const { manifest } = written
  // The addresses `bai-seed serve` answers by default: the inventory's subnet (and loopback).
  await recordNetworks(request.outDir, [cluster.inventory!.network.subnet])
  const notes: string[] = [...stepNotes]
  const warnings: string[] = []
  if (written.repaired) notes.push(`${request.outDir}/ held a render that was stopped half-way; ${written.repaired === 'completed' ? 'it was completed' : 'it was rolled back'} first`)
  if (written.cleaned.length) notes.push(`removed ${written.cleaned.length} staging folder(s) of stopped runs: ${written.cleaned.join(', ')}`)
  if (written.staleRemoved.length) notes.push(`removed the folders of nodes no longer in the inventory: ${written.staleRemoved.join(', ')}`)
  if (written.staleKept.length) warnings.push(`kept the folders of nodes no longer in the inventory (--keep-stale): ${written.staleKept.join(', ')}`)
  const rendered = new Set(hostnames)
  const secretFiles: string[] = []
  // The largest cloud-init/user-data written now, as the manifest lists it (compressed where it is written).
  let largest = 0
  for (const f of manifest.files) {
    const slash = f.path.indexOf('/')
    if (slash < 0 || !rendered.has(f.path.slice(0, slash))) continue
    if ((parseInt(f.mode, 8) & 0o077) === 0) secretFiles.push(f.path)
    if (f.path.slice(slash) === '/cloud-init/user-data') largest = Math.max(largest, f.size)
  }
  if (largest > SMALL_USER_DATA_LIMIT && !toldBefore) {
    notes.push(`cloud-init/user-data is up to ${Math.ceil(largest / 1024)} KiB gzip-compressed: seed ISOs, PXE and most clouds take it, ` +
      'but EC2 accepts at most 16 KiB')
  }
  return { diagnostics, hostnames, cluster: cluster.inventory!.cluster.name, manifest, notes, warnings, secretFiles }
}

/** The output folder's key (node-token.ts), made when missing, in a folder that bai-seed may write. */
function outputKey(request: RenderRequest): Buffer {
  try {
    checkOutputFolder(request.outDir, { inventory: request.inventoryFile, profiles: [shippedProfilesDir(), ...request.profileDirs] })
    mkdirSync(request.outDir, { recursive: true })
    return readOrCreateNodeKey(request.outDir)
  } catch (e) {
    throw asOutputError(e, request.outDir)
  }
}

/** The largest cloud-init/user-data the output folder's manifest.json lists (0 without one). */
function largestCloudUserData(outDir: string): number {
  const manifest = readManifest(outDir)
  return Math.max(0, ...(manifest?.files ?? []).filter((f) => f.path.endsWith('/cloud-init/user-data')).map((f) => f.size))
}
