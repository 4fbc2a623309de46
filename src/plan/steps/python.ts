// Page section "필요한 파이썬 버전 및 가상 환경 준비하기": a standalone Python from python-build-standalone (or pyenv),
// version from the Backend.AI release line, sha256 checked, unpacked where shared-names.ts puts it.
import { defineStep, type PlanContext } from '../step-def.js'
import { releaseLine, PBS_RELEASES } from '../../model/releases.js'
import { pythonLayout, SHARED_PATHS, type PythonLayout } from '../../model/shared-names.js'
import { unameArch } from '../arch-names.js'
import { PAYLOAD_TREE } from '../offline-plan.js'

export interface PythonChoice {
  version: string
  release: string
}

/** The Python version and PBS release a node gets: explicit settings win, 'auto' follows the release line. */
export function pythonChoice(ctx: PlanContext): PythonChoice {
  const py = ctx.settings.python
  const line = releaseLine(ctx.inventory.cluster.release)
  const version = py.version === 'auto' ? (line?.pin.version ?? '') : py.version
  const release = py.release === 'auto' ? (PBS_RELEASES[version]?.[0] ?? line?.pin.release ?? '') : py.release
  return { version, release }
}

/** Where the chosen Python lives on the node (shared-names.ts states the layout). */
export function nodePythonLayout(ctx: PlanContext): PythonLayout {
  return pythonLayout(ctx.settings.user.home, ctx.settings.python.method, pythonChoice(ctx).version)
}

export interface PythonVars {
  method: 'static' | 'pyenv'
  version: string
  release: string
  baseUrl: string
  sha256x86: string
  sha256arm: string
  /** The version's folder; `root` is the folder the step owns (chowned to the account). */
  dest: string
  root: string
  cache: string
  user: string
  group: number
}

export const pythonStep = defineStep<PythonVars>({
  id: 'python',
  title: 'Install a standalone Python',
  network: true,
  rootable: false,
  settings: ['python', 'user'],
  applies: (ctx) => ctx.settings.python.enabled,
  vars: (ctx) => {
    const py = ctx.settings.python
    const { version, release } = pythonChoice(ctx)
    const u = ctx.settings.user
    const layout = nodePythonLayout(ctx)
    return {
      method: py.method,
      version,
      release,
      baseUrl: pythonBaseUrl(ctx),
      sha256x86: py.sha256['x86_64'] ?? '',
      sha256arm: py.sha256['aarch64'] ?? '',
      dest: layout.versionDir,
      root: layout.root,
      cache: SHARED_PATHS.cacheDir,
      user: u.name,
      group: u.gid,
    }
  },
  resolves: (_ctx, vars) => ({ 'python.version': vars.version, 'python.release': vars.release }),
  // Offline, the archive and SHA256SUMS come from the payload: the download base is never reached.
  ignores: (ctx): Record<string, string> => (ctx.plan.offline ? { 'python.base_url': `offline: read from the payload's ${PAYLOAD_TREE.python(pythonChoice(ctx).release)}` } : {}),
  fetches: (ctx) => {
    if (ctx.settings.python.method === 'pyenv') return ['git pyenv and pyenv-virtualenv; apt build dependencies']
    return pbsFiles(ctx, `${pythonBaseUrl(ctx)}/${pythonChoice(ctx).release}/`)
  },
  // The same files from the payload (method pyenv is refused offline).
  payloadFetches: (ctx) => pbsFiles(ctx, `from the payload's ${PAYLOAD_TREE.python(pythonChoice(ctx).release)}`),
})

/** python-build-standalone's download base: the node's `mirrors.python`, else the profile's python.base_url. */
function pythonBaseUrl(ctx: PlanContext): string {
  return (ctx.plan.mirrors.python ?? ctx.settings.python.base_url).replace(/\/+$/, '')
}

/** python-build-standalone's archive name for one build (the node's step and the payload fetch the same file). */
export function pbsAsset(version: string, release: string, arch: string): string {
  return `cpython-${version}+${release}-${arch}-unknown-linux-gnu-install_only.tar.gz`
}

/** The files the static method reads from `dir` (a URL or a folder of the payload): SHA256SUMS unless the sha256 is pinned. */
function pbsFiles(ctx: PlanContext, dir: string): string[] {
  const { version, release } = pythonChoice(ctx)
  const arch = unameArch(ctx.plan.target.arch)
  const pinned = ctx.settings.python.sha256[arch]
  return [...(pinned ? [] : [`${dir}SHA256SUMS`]), `${dir}${pbsAsset(version, release, arch)}${pinned ? ' (pinned sha256)' : ''}`]
}
