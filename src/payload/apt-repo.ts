// The payload's apt repository of one release: apt itself resolves the packages of every step with their dependency
// closure against a scratch apt state (its own sources, lists, cache and a dpkg status: the base image's, or empty
// for the whole closure), downloads them, and the repository is laid out flat (Packages, Release) and signed with
// the payload's own archive key (keys/payload-archive.gpg, itself covered by the manifest). Nothing of this
// machine's apt state is read or changed; its apt configuration (a proxy) applies.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'
import type { AptNeed, KeyedSource } from './payload-needs.js'
import { runTool } from './run-tool.js'
import { fetchToFile, type FetchOptions } from './fetch-url.js'
import { writeIfChanged } from './file-hash.js'

export interface AptContext {
  cache: string
  tree: string
  /** dpkg status of the nodes' base image, or null (resolve the whole closure). */
  baseStatus: string | null
  /** Keyring that signs the distribution's archive. */
  archiveKeyring: string
  /** The archive when the inventory names none (--apt-archive). */
  archive: string
  fetch: FetchOptions
  gnupg: string
  log: (line: string) => void
}

export interface AptPlan {
  /** apt-get and its options for this release's scratch state. */
  apt: string[]
  /** The install arguments: the packages, a locked one as NAME=VERSION. */
  install: string[]
  /** .deb file names (as apt stores them) with their sizes still to download. */
  debs: string[]
  downloadBytes: number
}

const archiveName = (name: string, version: string, arch: string): string => `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`

async function sourceKey(src: KeyedSource, dir: string, ctx: AptContext): Promise<string> {
  const asc = join(dir, `${src.name}.key`)
  const ring = join(dir, `${src.name}.gpg`)
  await fetchToFile(src.keyUrl, asc, ctx.fetch)
  const env = { ...process.env, GNUPGHOME: ctx.gnupg }
  if (src.fingerprint) {
    const shown = await runTool('gpg', ['--batch', '--with-colons', '--show-keys', asc], { env })
    const fprs = shown.stdout.split('\n').filter((l) => l.startsWith('fpr:')).map((l) => l.split(':')[9])
    if (!fprs.includes(src.fingerprint)) {
      throw new OutputError('KEY', src.keyUrl, `the key is not the pinned ${src.fingerprint} (it holds: ${fprs.join(' ') || 'no key'})`)
    }
  }
  const text = readFileSync(asc)
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    rmSync(ring, { force: true })
    await runTool('gpg', ['--batch', '--yes', '--dearmor', '-o', ring, asc], { env })
  } else copyFileSync(asc, ring)
  return ring
}

/** Scratch apt state, sources and keys for this release; `apt-get update`; the packages resolved. */
export async function planApt(need: AptNeed, ctx: AptContext): Promise<AptPlan> {
  const state = join(ctx.cache, 'apt', need.repo)
  const keys = join(state, 'keys')
  mkdirSync(join(state, 'lists', 'partial'), { recursive: true })
  mkdirSync(keys, { recursive: true })
  mkdirSync(join(ctx.cache, 'debs', 'partial'), { recursive: true })
  const archive = (need.archive || ctx.archive).replace(/\/+$/, '')
  if (!archive) {
    throw new OutputError('APT_ARCHIVE', need.repo, 'no archive to resolve packages from: set mirrors.apt in the inventory or give --apt-archive URL')
  }
  if (!existsSync(ctx.archiveKeyring)) {
    throw new OutputError('APT_ARCHIVE', ctx.archiveKeyring, `the keyring of the ${need.release.id} archive is missing (give --archive-keyring FILE)`)
  }
  copyFileSync(ctx.archiveKeyring, join(keys, 'archive.gpg'))
  const c = need.release.codename
  const lines =
    need.release.id === 'ubuntu'
      ? [c, `${c}-updates`, `${c}-security`].map((s) => `deb [signed-by=${join(keys, 'archive.gpg')}] ${archive} ${s} main restricted universe multiverse`)
      : [`deb [signed-by=${join(keys, 'archive.gpg')}] ${archive} ${c} main`]
  for (const src of [...need.sources.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    ctx.log(`key of ${src.name}: ${src.keyUrl}${src.fingerprint ? ` (pinned ${src.fingerprint})` : ''}`)
    lines.push(`deb [signed-by=${await sourceKey(src, keys, ctx)}] ${src.line}`)
  }
  writeFileSync(join(state, 'sources.list'), lines.join('\n') + '\n')
  let status = ctx.baseStatus
  if (!status) {
    status = join(state, 'status')
    writeFileSync(status, '')
  }
  const opts = [
    '-o', `Dir::State::status=${status}`, '-o', `Dir::State::Lists=${join(state, 'lists')}`,
    '-o', `Dir::State::extended_states=${join(state, 'extended_states')}`, '-o', `Dir::Cache=${join(state, 'cache')}`,
    '-o', `Dir::Cache::archives=${join(ctx.cache, 'debs')}`, '-o', `Dir::Etc::SourceList=${join(state, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/nonexistent', '-o', 'Dir::Etc::Preferences=/nonexistent',
    '-o', 'Dir::Etc::PreferencesParts=/nonexistent', '-o', 'APT::Architecture=amd64', '-o', 'APT::Architectures::=amd64',
    '-o', 'Acquire::Languages=none', '-o', 'Debug::NoLocking=1', '-o', 'APT::Install-Recommends=0',
  ]
  const apt = ['apt-get', '-q', '-y', ...opts]
  ctx.log(`apt ${need.repo}: reading the indexes of ${lines.length} source(s)`)
  const update = await runTool(apt[0]!, [...apt.slice(1), 'update'])
  const failed = /^(W|E): (Failed to fetch|Some index files failed|The repository .* does not have a Release file).*$/m.exec(update.stdout + update.stderr)
  if (failed) throw new OutputError('APT', need.repo, failed[0])
  const pkgs = await lockedVersions(need, opts)
  const sim = await runTool(apt[0]!, [...apt.slice(1), 'install', '-s', ...pkgs])
  const debs: string[] = []
  for (const m of sim.stdout.matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[(\S+)\]\)/gm)) debs.push(archiveName(m[1]!, m[2]!, m[3]!))
  const uris = await runTool(apt[0]!, [...apt.slice(1), 'install', '--print-uris', '-qq', ...pkgs])
  let downloadBytes = 0
  for (const m of uris.stdout.matchAll(/^'[^']+' \S+ (\d+) /gm)) downloadBytes += Number(m[1])
  return { apt, install: pkgs, debs: debs.sort(), downloadBytes }
}

/** The upstream version of a Debian version: without its epoch and Debian revision (535.183.01-0ubuntu1 -> 535.183.01). */
export const upstreamVersion = (v: string): string => v.replace(/^\d+:/, '').replace(/-[^-]*$/, '')

/**
 * The install arguments of a release, sorted: each locked package as NAME=VERSION, the first version the sources
 * offer (newest first, as apt-cache madison lists them) whose upstream version is that of the package it follows
 * (its candidate); no such version stops the build, naming what there is.
 */
async function lockedVersions(need: AptNeed, opts: string[]): Promise<string[]> {
  const out: string[] = []
  for (const name of [...need.packages].sort()) {
    const lock = need.locks.get(name)
    if (!lock) {
      out.push(name)
      continue
    }
    const policy = (await runTool('apt-cache', [...opts, 'policy', lock.to])).stdout
    const candidate = /^\s*Candidate:\s*(\S+)/m.exec(policy)?.[1]
    if (!candidate || candidate === '(none)') throw new OutputError('APT', need.repo, `${lock.to} is not in the sources: ${name} cannot be matched to its version`)
    const want = upstreamVersion(candidate)
    const versions = (await runTool('apt-cache', [...opts, 'madison', name])).stdout
      .split('\n')
      .map((l) => l.split('|')[1]?.trim())
      .filter((v): v is string => !!v)
    const pick = versions.find((v) => upstreamVersion(v) === want)
    if (!pick) {
      throw new OutputError(
        'VERSION_LOCK',
        need.repo,
        `no ${name} of version ${want} (the payload's ${lock.to} is ${candidate}) in the sources: ${lock.why} (found: ${versions.join(' ') || 'none'})`,
      )
    }
    out.push(`${name}=${pick}`)
  }
  return out
}

/** Downloads what planApt resolved and lays out apt/<repo>/ in the tree: the .debs, Packages, a signed Release. */
export async function writeAptRepo(need: AptNeed, plan: AptPlan, ctx: AptContext): Promise<{ files: number; bytes: number }> {
  const pkgs = plan.install
  ctx.log(`apt ${need.repo}: ${plan.debs.length} package(s) for ${pkgs.join(' ')}`)
  if (plan.debs.length) await runTool(plan.apt[0]!, [...plan.apt.slice(1), 'install', '--download-only', ...pkgs])
  const dir = join(ctx.tree, 'apt', need.repo)
  mkdirSync(dir, { recursive: true })
  const want = new Set(plan.debs)
  let bytes = 0
  for (const deb of plan.debs) {
    const from = join(ctx.cache, 'debs', deb)
    if (!existsSync(from)) throw new OutputError('APT', from, 'apt did not download it')
    const to = join(dir, deb)
    bytes += statSync(from).size
    if (existsSync(to) && statSync(to).size === statSync(from).size) continue
    rmSync(to, { force: true })
    try {
      linkSync(from, to)
    } catch {
      copyFileSync(from, to)
    }
  }
  for (const name of readdirSync(dir)) if (name.endsWith('.deb') && !want.has(name)) rmSync(join(dir, name))
  const packages = (await runTool('apt-ftparchive', ['packages', '.'], { cwd: dir })).stdout
  const changed = writeIfChanged(join(dir, 'Packages'), packages)
  if (changed || !existsSync(join(dir, 'InRelease'))) {
    const release = (await runTool('apt-ftparchive', ['-o', 'APT::FTPArchive::Release::Origin=bai-seed payload', 'release', '.'], { cwd: dir })).stdout
    writeFileSync(join(dir, 'Release'), release, { mode: 0o644 })
    const env = { ...process.env, GNUPGHOME: ctx.gnupg }
    await runTool('gpg', ['--batch', '--yes', '--armor', '--detach-sign', '-o', join(dir, 'Release.gpg'), join(dir, 'Release')], { env })
    await runTool('gpg', ['--batch', '--yes', '--clearsign', '-o', join(dir, 'InRelease'), join(dir, 'Release')], { env })
  }
  const keys = join(ctx.tree, 'keys')
  mkdirSync(keys, { recursive: true })
  for (const name of readdirSync(join(ctx.cache, 'apt', need.repo, 'keys'))) {
    if (name.endsWith('.gpg')) writeIfChanged(join(keys, `${need.repo}-${name}`), readFileSync(join(ctx.cache, 'apt', need.repo, 'keys', name)))
  }
  return { files: plan.debs.length, bytes }
}

/**
 * Stops the gpg-agent that signing started for the payload's own GNUPGHOME (gpg starts one on demand for any secret
 * key operation and leaves it running): called once the build is over, whatever its outcome.
 */
export async function stopGpgAgent(gnupg: string): Promise<void> {
  if (!existsSync(gnupg)) return
  await runTool('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupg } }).catch(() => undefined)
}

/** The payload's archive signing key: made once per output folder (cache/gnupg), exported to keys/. */
export async function payloadArchiveKey(gnupg: string, tree: string): Promise<void> {
  const env = { ...process.env, GNUPGHOME: gnupg }
  if (!existsSync(join(gnupg, 'pubring.kbx')) || !(await runTool('gpg', ['--batch', '--list-secret-keys'], { env })).stdout.trim()) {
    mkdirSync(gnupg, { recursive: true, mode: 0o700 })
    await runTool('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'bai-seed payload archive <payload@bai-seed.invalid>', 'ed25519', 'sign', 'never'], { env })
  }
  mkdirSync(join(tree, 'keys'), { recursive: true })
  const out = join(tree, 'keys', 'payload-archive.gpg.new')
  await runTool('gpg', ['--batch', '--yes', '--export', '-o', out], { env })
  writeIfChanged(join(tree, 'keys', 'payload-archive.gpg'), readFileSync(out))
  rmSync(out)
}
