// bai-seed payload: load -> validate -> resolve -> plan, then gather from the sources the inventory names everything
// the nodes' first boot downloads (payload-needs.ts), lay it out as the payload tree, write its manifest (signed when
// given a key), the ISO 9660 image the nodes take as a second volume, and the chunks of --split.
//
// The output folder is opened like every writer's (src/write/output-folder.ts: guard, ownership, lock, repair of a
// killed run's switch, temporaries only in .bai-seed/). The new tree, ISO and chunks are made in the run's staging
// folder, starting from hard links of the files in place (a file that does not change keeps its inode and mtime), and
// switched in as whole units (tree/, payload.iso, split/) with the folder's manifest.json; a unit that did not change
// is not switched. The build cache (apt's downloads, the OCI layout of the images, partial downloads, the hashes of
// unchanged files, the payload's signing key) is kept in .bai-seed/payload-cache/, so a re-run, or the run after a
// killed one, fetches only what it does not have.
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { hasErrors } from '../diagnostics/diagnostic.js'
import { InputError, OutputError } from '../diagnostics/errors.js'
import { loadCluster } from '../pipeline/load-cluster.js'
import { planCluster } from '../pipeline/plan-cluster.js'
import { PAYLOAD_LABEL } from '../plan/offline-plan.js'
import { writeIso } from '../iso9660/index.js'
import { payloadNeeds, type Release } from './payload-needs.js'
import { payloadArchiveKey, planApt, stopGpgAgent, writeAptRepo, type AptPlan } from './apt-repo.js'
import { planPython, writePython } from './python-archives.js'
import { pickWheels, writeWheels } from './wheelhouse.js'
import { estimateImages, writeImages } from './images.js'
import { MANIFEST_NAME, SIGNATURE_NAME, SIGNATURE_NAMESPACE, manifestDigest, manifestOf, manifestText } from './manifest.js'
import { splitFile, type SplitResult } from './split.js'
import { runTool } from './run-tool.js'
import { formatSize } from './size.js'
import { sha256File, writeIfChanged } from './file-hash.js'
import { withOutputFolder, commitUnits } from '../write/output-dir.js'
import type { OutputFolder } from '../write/output-folder.js'
import { statePath } from '../write/output-state.js'
import type { ManifestEntry as OutputEntry } from '../write/manifest.js'
import { modeString } from '../write/file-mode.js'
import { withProgress, type ProgressLine } from './progress.js'

export interface PayloadRequest {
  inventoryFile: string
  profileDirs: string[]
  outDir: string
  /** Chunk size of --split, or null. */
  split: number | null
  /** Private SSH key that signs the manifest, or null. */
  signKey: string | null
  /** Root folder of the nodes' base image: its release and installed packages (--base-root), or null. */
  baseRoot: string | null
  archiveKeyring: string | null
  aptArchive: string
  iso: boolean
  env: NodeJS.ProcessEnv
  log: (line: string) => void
  /** Download progress on one rewritten line (a terminal), or undefined. */
  progress?: ProgressLine
  /** Write into a folder whose content bai-seed's manifest.json does not account for. */
  force?: boolean
  /** How long to wait for another run's lock (default: the writers' default). */
  lockWaitMs?: number
}

export interface PayloadResult {
  diagnostics: Diagnostic[]
  manifestSha256: string
  files: number
  bytes: number
  estimate: number
  signer: string | null
  iso: { path: string; size: number; label: string } | null
  split: SplitResult | null
}

export const TREE_DIR = 'tree'
export const ISO_NAME = 'payload.iso'
export const SPLIT_DIR = 'split'
/** The units of the output folder a payload run owns and switches. */
const UNITS = [TREE_DIR, ISO_NAME, SPLIT_DIR] as const
/** The build cache, inside the output folder's own state folder (.bai-seed/, 0700, never served). */
export const CACHE_DIR = 'payload-cache'

function readOsRelease(root: string): Release {
  const file = join(root, 'etc/os-release')
  if (!existsSync(file)) throw new InputError('FLAG', `--base-root ${root}: it has no etc/os-release`)
  const kv = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=["']?(.*?)["']?$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>
  if (!kv.ID || !kv.VERSION_ID || !kv.VERSION_CODENAME) throw new InputError('FLAG', `--base-root ${root}: etc/os-release lacks ID, VERSION_ID or VERSION_CODENAME`)
  // The kernels installed in the base image: the nodes boot one of them, and the driver step installs the prebuilt
  // modules of the running kernel (linux-modules-nvidia-<branch>-<kernel>).
  const modules = join(root, 'lib/modules')
  const kernels = existsSync(modules) ? readdirSync(modules).filter((k) => /^[0-9][A-Za-z0-9.+~-]*$/.test(k)).sort() : []
  return { id: kv.ID, version: kv.VERSION_ID, codename: kv.VERSION_CODENAME, ...(kernels.length ? { kernels } : {}) }
}

/** Files 0644 and folders 0755: the node's apt reads the repository as an unprivileged user. */
function normalizeModes(dir: string): void {
  // Only where it differs: a file shared with the tree in place (a hard link) is not touched.
  const set = (path: string, mode: number): void => {
    if ((statSync(path).mode & 0o7777) !== mode) chmodSync(path, mode)
  }
  set(dir, 0o755)
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) normalizeModes(join(dir, e.name))
    else set(join(dir, e.name), 0o644)
  }
}

/** Removes the folders under tree/<parent> that are not in `keep`. */
function prune(tree: string, parent: string, keep: ReadonlySet<string>): void {
  const dir = join(tree, parent)
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) if (!keep.has(name)) rmSync(join(dir, name), { recursive: true, force: true })
  if (keep.size === 0) rmSync(dir, { recursive: true, force: true })
}

/** Files that are never rewritten in place (replaced by a rename or removed): the staging tree may share their inode. */
const SHARED = /\.(deb|whl|tar|tar\.gz|iso|\d{3,})$/

/**
 * The files of `from` (a unit in place) under `to` in the staging folder: the large ones hard links (unchanged, they
 * keep their inode), the rest copies (they may be rewritten in place). Leftovers of an interrupted write are left out.
 */
function seedFrom(from: string, to: string): void {
  const st = lstatSync(from, { throwIfNoEntry: false })
  if (!st) return
  if (st.isFile()) {
    mkdirSync(join(to, '..'), { recursive: true })
    if (SHARED.test(from)) linkSync(from, to)
    else copyFileSync(from, to)
    return
  }
  if (!st.isDirectory()) return
  mkdirSync(to, { recursive: true })
  for (const name of readdirSync(from)) if (!/\.(part|tmp|new)$/.test(name)) seedFrom(join(from, name), join(to, name))
}

export async function buildPayload(req: PayloadRequest): Promise<PayloadResult> {
  const cluster = loadCluster({ inventoryFile: req.inventoryFile, profileDirs: req.profileDirs })
  const empty: PayloadResult = { diagnostics: cluster.diagnostics, manifestSha256: '', files: 0, bytes: 0, estimate: 0, signer: null, iso: null, split: null }
  if (hasErrors(cluster.diagnostics)) return empty
  const planned = planCluster(cluster, { only: [], powerOffWhenDone: false, env: req.env, readSecrets: false })
  if (hasErrors(planned.diagnostics)) return { ...empty, diagnostics: [...cluster.diagnostics, ...planned.diagnostics] }
  const baseRoot = req.baseRoot ? resolve(req.baseRoot) : null
  const base = baseRoot ? readOsRelease(baseRoot) : null
  if (req.split && !req.iso) throw new InputError('FLAG', '--split cuts the payload image: leave out --no-iso')
  const needs = payloadNeeds(planned.plans, base)
  const out = resolve(req.outDir)
  const options = { dir: out, inputs: { inventory: req.inventoryFile, profiles: cluster.profileDirs }, force: req.force, lockWaitMs: req.lockWaitMs }
  return withOutputFolder(options, async (folder) => {
    const cache = statePath(out, CACHE_DIR)
    const gnupg = join(cache, 'gnupg')
    const staging = folder.tempDir()
    try {
      const result = await build(req, { folder, cache, gnupg, staging: join(out, staging), baseRoot, base, needs, label: cluster.inventory!.offline?.label ?? PAYLOAD_LABEL })
      commitUnits(folder, staging, UNITS, result.entries, result.swapped)
      return { ...result.payload, diagnostics: [...cluster.diagnostics, ...planned.diagnostics] }
    } finally {
      await stopGpgAgent(gnupg)
      rmSync(join(out, staging), { recursive: true, force: true })
    }
  })
}

interface BuildContext {
  folder: OutputFolder
  cache: string
  gnupg: string
  /** The run's staging folder (absolute). */
  staging: string
  baseRoot: string | null
  base: Release | null
  needs: ReturnType<typeof payloadNeeds>
  label: string
}

interface Built {
  payload: Omit<PayloadResult, 'diagnostics'>
  /** manifest.json entries of every file of the units made. */
  entries: OutputEntry[]
  /** Units whose new version differs from the one in place. */
  swapped: string[]
}

async function build(req: PayloadRequest, b: BuildContext): Promise<Built> {
  const { folder, cache, gnupg, baseRoot, base, needs } = b
  const out = folder.dir
  const tree = join(b.staging, TREE_DIR)
  // Starting from the units in place (those the manifest lists: claimed, so nothing foreign is read as ours).
  if (folder.ownership.claim(TREE_DIR)) seedFrom(join(out, TREE_DIR), tree)
  for (const d of [tree, cache]) mkdirSync(d, { recursive: true })
  mkdirSync(gnupg, { recursive: true, mode: 0o700 })
  const partDir = join(cache, 'partial')
  mkdirSync(partDir, { recursive: true })
  const fetch = { ca: needs.ca, partDir }
  let certDir: string | null = null
  if (needs.ca.length) {
    certDir = join(cache, 'certs')
    mkdirSync(certDir, { recursive: true })
    needs.ca.forEach((pem, i) => writeFileSync(join(certDir!, `site-ca-${i}.crt`), pem))
  }
  const log = req.log
  const releaseId = base?.id ?? 'ubuntu'
  const aptCtx = {
    cache,
    tree,
    baseStatus: baseRoot ? join(baseRoot, 'var/lib/dpkg/status') : null,
    archiveKeyring: req.archiveKeyring ?? `/usr/share/keyrings/${releaseId}-archive-keyring.gpg`,
    archive: req.aptArchive,
    fetch,
    gnupg,
    log,
  }
  const imageCtx = { cache, tree, certDir, log }

  // Everything resolved and sized first: the estimate comes before the downloads.
  await payloadArchiveKey(gnupg, tree)
  const aptPlans = new Map<string, AptPlan>()
  let aptBytes = 0
  for (const need of needs.apt.values()) {
    const plan = await planApt(need, aptCtx)
    aptPlans.set(need.repo, plan)
    aptBytes += plan.downloadBytes
  }
  let pyBytes = 0
  for (const need of needs.python.values()) pyBytes += await planPython(need, tree, fetch)
  const wheels = needs.wheels ? await pickWheels(needs.wheels.index, needs.wheels.packages, needs.wheels.pythonVersion, fetch) : []
  const imgBytes = needs.images.size ? await estimateImages(needs.images, imageCtx) : 0
  const estimate = aptBytes + pyBytes + imgBytes
  log(`estimated download: ${formatSize(estimate)} (apt ${formatSize(aptBytes)} not yet cached, Python ${formatSize(pyBytes)}, images ${formatSize(imgBytes)} before reusing cached layers)`)

  const show = req.progress
  for (const need of needs.apt.values()) {
    const plan = aptPlans.get(need.repo)!
    await withProgress(show, `apt ${need.repo}`, [join(cache, 'debs')], plan.downloadBytes, () => writeAptRepo(need, plan, aptCtx))
  }
  prune(tree, 'apt', new Set(needs.apt.keys()))
  for (const need of needs.python.values()) {
    log(`python ${need.version} (${need.release})`)
    await withProgress(show, `python ${need.version}`, [join(tree, 'python', need.release)], pyBytes, () => writePython(need, tree, fetch))
  }
  prune(tree, 'python', new Set([...needs.python.values()].map((n) => n.release)))
  if (wheels.length) {
    log(`wheels: ${wheels.map((w) => w.file).join(' ')}`)
    await writeWheels(wheels, tree, fetch)
  } else prune(tree, 'wheels', new Set())
  if (needs.images.size) await withProgress(show, 'images', [join(cache, 'oci')], imgBytes, () => writeImages(needs.images, imageCtx))
  else prune(tree, 'images', new Set())
  normalizeModes(tree)

  // The manifest, reusing the hashes of files whose size and mtime did not change.
  const hashesFile = join(cache, 'hashes.json')
  const known = new Map<string, { size: number; mtimeMs: number; sha256: string }>(
    existsSync(hashesFile) ? Object.entries(JSON.parse(readFileSync(hashesFile, 'utf8'))) : [],
  )
  const entries = await manifestOf(tree, known)
  writeFileSync(hashesFile, JSON.stringify(Object.fromEntries([...known].filter(([p]) => entries.some((e) => e.path === p)))))
  const text = manifestText(entries)
  const changed = writeIfChanged(join(tree, MANIFEST_NAME), text)
  const digest = manifestDigest(text)
  let signer: string | null = null
  const sig = join(tree, SIGNATURE_NAME)
  if (req.signKey) {
    signer = (await runTool('ssh-keygen', ['-y', '-f', req.signKey])).stdout.trim()
    const allowed = join(cache, 'allowed_signers')
    writeFileSync(allowed, `${SIGNATURE_NAMESPACE} ${signer}\n`)
    const verify = async (): Promise<boolean> =>
      existsSync(sig) &&
      (await runTool('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', SIGNATURE_NAMESPACE, '-n', SIGNATURE_NAMESPACE, '-s', sig], { input: text }).then(
        () => true,
        () => false,
      ))
    if (changed || !(await verify())) {
      rmSync(sig, { force: true })
      log(`signing ${MANIFEST_NAME} with ${req.signKey}`)
      await runTool('ssh-keygen', ['-Y', 'sign', '-q', '-f', req.signKey, '-n', SIGNATURE_NAMESPACE, join(tree, MANIFEST_NAME)])
      chmodSync(sig, 0o644)
      if (!(await verify())) throw new OutputError('SIGN', sig, 'the new signature does not verify')
    }
  } else rmSync(sig, { force: true })

  // The folder's manifest.json entries of the new tree; it is switched in unless it is the tree in place.
  const swapped: string[] = []
  const outEntries: OutputEntry[] = []
  const unit = async (name: string, files: { path: string; size: number; mode: number; sha256?: string }[]): Promise<void> => {
    const made: OutputEntry[] = []
    for (const f of files) {
      const sha256 = f.sha256 ?? (await sha256File(join(b.staging, f.path)))
      made.push({ path: f.path, size: f.size, mode: modeString(f.mode), sha256 })
    }
    const before = [...(folder.ownership.units.get(name) ?? [])]
    const same = before.length === made.length && before.every((e) => made.some((m) => m.path === e.path && m.sha256 === e.sha256 && m.size === e.size && m.mode === e.mode))
    if (!same || !existsSync(join(out, name))) swapped.push(name)
    outEntries.push(...made)
  }
  const own = [MANIFEST_NAME, ...(existsSync(sig) ? [SIGNATURE_NAME] : [])].map((p) => ({ path: `${TREE_DIR}/${p}`, size: statSync(join(tree, p)).size, mode: 0o644 }))
  await unit(TREE_DIR, [...entries.map((e) => ({ path: `${TREE_DIR}/${e.path}`, size: e.size, mode: 0o644, sha256: e.sha256 })), ...own])

  let iso: PayloadResult['iso'] = null
  // Where the image the chunks are cut from is: the one in place when it did not change, else the staged one.
  let isoFile = ''
  if (req.iso) {
    const path = join(out, ISO_NAME)
    const stamp = join(cache, 'iso.stamp')
    const want = `${b.label} ${digest} ${signer ?? ''}`
    const listed = folder.ownership.paths.get(ISO_NAME)
    const [stampWant, stampSha] = existsSync(stamp) ? readFileSync(stamp, 'utf8').split('\n') : []
    if (listed && folder.ownership.claim(ISO_NAME) && stampWant === want && stampSha === listed.sha256) {
      isoFile = path
      outEntries.push(listed)
    } else {
      log(`writing ${ISO_NAME} (label ${b.label})`)
      isoFile = join(b.staging, ISO_NAME)
      await writeIso({ sourceDir: tree, volumeId: b.label, outFile: isoFile })
      chmodSync(isoFile, 0o644)
      const sha256 = await sha256File(isoFile)
      writeFileSync(stamp, `${want}\n${sha256}`)
      swapped.push(ISO_NAME)
      outEntries.push({ path: ISO_NAME, size: statSync(isoFile).size, mode: modeString(0o644), sha256 })
    }
    iso = { path, size: statSync(isoFile).size, label: b.label }
  }
  let split: SplitResult | null = null
  if (req.split) {
    const dir = join(b.staging, SPLIT_DIR)
    if (folder.ownership.claim(SPLIT_DIR)) seedFrom(join(out, SPLIT_DIR), dir)
    split = splitFile(isoFile, req.split, dir)
    const final = join(out, SPLIT_DIR)
    const files = readdirSync(dir).sort().map((name) => {
      const chunk = split!.chunks.find((c) => c.name === name)
      return { path: `${SPLIT_DIR}/${name}`, size: statSync(join(dir, name)).size, mode: name === 'join.sh' ? 0o755 : 0o644, ...(chunk ? { sha256: chunk.sha256 } : {}) }
    })
    await unit(SPLIT_DIR, files)
    split = { ...split, join: join(final, 'join.sh') }
    log(`split into ${split.chunks.length} chunk(s) in ${final} (join.sh joins and checks them)`)
  }
  const bytes = entries.reduce((n, e) => n + e.size, 0)
  return {
    payload: { manifestSha256: digest, files: entries.length, bytes, estimate, signer, iso, split },
    entries: outEntries,
    swapped,
  }
}
