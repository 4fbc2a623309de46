// bai-seed payload: load -> validate -> resolve -> plan, then gather from the sources the inventory names everything
// the nodes' first boot downloads (payload-needs.ts), lay it out as the payload tree, write its manifest (signed when
// given a key), the ISO 9660 image the nodes take as a second volume, and the chunks of --split. A re-run reuses the
// build cache (<out>/.cache: apt's downloads, the OCI layout of the images, the hashes of unchanged files) and leaves
// unchanged files untouched.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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
import { writeIfChanged } from './file-hash.js'
import { checkOutputFolder } from '../write/output-guard.js'
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
  chmodSync(dir, 0o755)
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) normalizeModes(join(dir, e.name))
    else chmodSync(join(dir, e.name), 0o644)
  }
}

/** Removes the folders under tree/<parent> that are not in `keep`. */
function prune(tree: string, parent: string, keep: ReadonlySet<string>): void {
  const dir = join(tree, parent)
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) if (!keep.has(name)) rmSync(join(dir, name), { recursive: true, force: true })
  if (keep.size === 0) rmSync(dir, { recursive: true, force: true })
}

export async function buildPayload(req: PayloadRequest): Promise<PayloadResult> {
  const gnupg = join(resolve(req.outDir), '.cache', 'gnupg')
  try {
    return await build(req, gnupg)
  } finally {
    await stopGpgAgent(gnupg)
  }
}

async function build(req: PayloadRequest, gnupg: string): Promise<PayloadResult> {
  const cluster = loadCluster({ inventoryFile: req.inventoryFile, profileDirs: req.profileDirs })
  const empty: PayloadResult = { diagnostics: cluster.diagnostics, manifestSha256: '', files: 0, bytes: 0, estimate: 0, signer: null, iso: null, split: null }
  if (hasErrors(cluster.diagnostics)) return empty
  const planned = planCluster(cluster, { only: [], powerOffWhenDone: false, env: req.env, readSecrets: false })
  if (hasErrors(planned.diagnostics)) return { ...empty, diagnostics: [...cluster.diagnostics, ...planned.diagnostics] }
  const baseRoot = req.baseRoot ? resolve(req.baseRoot) : null
  const base = baseRoot ? readOsRelease(baseRoot) : null
  const needs = payloadNeeds(planned.plans, base)
  const out = resolve(req.outDir)
  // The guard every writer passes (src/write/output-guard.ts): never `/`, a home folder, or a folder of the inputs.
  checkOutputFolder(out, { inventory: req.inventoryFile, profiles: cluster.profileDirs })
  const tree = join(out, TREE_DIR)
  const cache = join(out, '.cache')
  for (const d of [tree, cache]) mkdirSync(d, { recursive: true })
  mkdirSync(gnupg, { recursive: true, mode: 0o700 })
  const fetch = { ca: needs.ca }
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
  chmodSync(join(tree, MANIFEST_NAME), 0o644)
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

  let iso: PayloadResult['iso'] = null
  if (req.iso) {
    const label = cluster.inventory!.offline?.label ?? PAYLOAD_LABEL
    const path = join(out, ISO_NAME)
    const stamp = join(cache, 'iso.stamp')
    const want = `${label} ${digest} ${signer ?? ''}`
    if (!existsSync(path) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
      log(`writing ${ISO_NAME} (label ${label})`)
      await writeIso({ sourceDir: tree, volumeId: label, outFile: path })
      writeFileSync(stamp, want)
    }
    iso = { path, size: statSync(path).size, label }
  }
  let split: SplitResult | null = null
  if (req.split) {
    const whole = iso ? iso.path : null
    if (!whole) throw new InputError('FLAG', '--split cuts the payload image: leave out --no-iso')
    split = splitFile(whole, req.split, join(out, SPLIT_DIR))
    log(`split into ${split.chunks.length} chunk(s) in ${join(out, SPLIT_DIR)} (join.sh joins and checks them)`)
  }
  const bytes = entries.reduce((n, e) => n + e.size, 0)
  return { diagnostics: [...cluster.diagnostics, ...planned.diagnostics], manifestSha256: digest, files: entries.length, bytes, estimate, signer, iso, split }
}
