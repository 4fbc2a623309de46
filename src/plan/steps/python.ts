// Page section "필요한 파이썬 버전 및 가상 환경 준비하기": a standalone Python from python-build-standalone (or pyenv),
// version from the Backend.AI release line, sha256 checked, unpacked to ~/.static-python/versions/<VERSION>.
import type { StepDef, PlanContext } from '../step-def.js'
import { releaseLine, PBS_RELEASES } from '../../model/releases.js'

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

export function pythonBin(ctx: PlanContext): string {
  const { version } = pythonChoice(ctx)
  const home = ctx.settings.user.home
  return ctx.settings.python.method === 'pyenv'
    ? `${home}/.pyenv/versions/${version}/bin/python3`
    : `${home}/.static-python/versions/${version}/bin/python3`
}

export const pythonStep: StepDef = {
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
    return {
      method: py.method,
      version,
      release,
      baseUrl: pythonBaseUrl(ctx),
      sha256x86: py.sha256['x86_64'] ?? '',
      sha256arm: py.sha256['aarch64'] ?? '',
      dest: `${u.home}/.static-python/versions/${version}`,
      home: u.home,
      user: u.name,
      group: u.gid,
    }
  },
  fetches: (ctx) => {
    if (ctx.settings.python.method === 'pyenv') return ['git pyenv and pyenv-virtualenv; apt build dependencies']
    const { version, release } = pythonChoice(ctx)
    const base = `${pythonBaseUrl(ctx)}/${release}`
    const pinned = ctx.settings.python.sha256['x86_64'] ?? ctx.settings.python.sha256['aarch64']
    return [
      ...(pinned ? [] : [`${base}/SHA256SUMS`]),
      `${base}/cpython-${version}+${release}-<arch>-unknown-linux-gnu-install_only.tar.gz${pinned ? ' (pinned sha256)' : ''}`,
    ]
  },
}

/** python-build-standalone's download base: the node's `mirrors.python`, else the profile's python.base_url. */
export function pythonBaseUrl(ctx: PlanContext): string {
  return (ctx.plan.mirrors.python ?? ctx.settings.python.base_url).replace(/\/+$/, '')
}
