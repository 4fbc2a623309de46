// Every path and name that more than one renderer or template uses, stated once: the installed script, the unit,
// the state folder and its files, the log, the download cache, the shell function of each step, and where Python
// and the venvs live. Renderers read them from here and hand them to the templates as `paths`; no template or
// renderer spells them itself (test/plan/shared-names.test.ts greps for them).

export const SHARED_PATHS = {
  /** Where cloud-init (and provision.sh itself, before a reboot) installs the script. */
  installedScript: '/usr/local/sbin/bai-seed-provision',
  unitName: 'bai-seed.service',
  unitPath: '/etc/systemd/system/bai-seed.service',
  /** State of the runs: steps.tsv, status.json, the lock, the completion marker. */
  stateDir: '/var/lib/bai-seed',
  statusFile: '/var/lib/bai-seed/status.json',
  /** Exists once every step is done; the unit does not start again while it exists. */
  completeMarker: '/var/lib/bai-seed/complete',
  /** Written by the autoinstall late-commands: what installed this machine. */
  installedMarker: '/var/lib/bai-seed/installed',
  logFile: '/var/log/bai-seed.log',
  /** Downloads kept between runs (Python archives, repository keyrings). */
  cacheDir: '/var/cache/bai-seed',
  /** Applies the MIG layout (nvidia-mig), run at every boot by its unit. */
  migScript: '/usr/local/sbin/bai-seed-mig',
  migUnit: 'bai-seed-mig.service',
  /** Backend.AI's storage root: the mount points of the shared storage (<vfroot>/<name>), or <vfroot>/local. */
  vfroot: '/vfroot',
  /** A step's shell function is this prefix and its id with _ for - (stepFunctionName; run_step calls it so). */
  stepFunctionPrefix: 'step_',
} as const

/**
 * The shell function that holds a step's body in provision.sh: step ids are kebab-case, shell names are not. The
 * script's run_step calls it by the same rule (the prefix, then the id with _ for -).
 */
export function stepFunctionName(stepId: string): string {
  return `${SHARED_PATHS.stepFunctionPrefix}${stepId.replace(/-/g, '_')}`
}

export type PythonMethod = 'static' | 'pyenv'

/** Where a Python version and the service venvs live in the service account's home. */
export interface PythonLayout {
  /** ~/.static-python (static) or ~/.pyenv (pyenv): the folder the python step owns. */
  root: string
  /** The folder of this version. */
  versionDir: string
  /** The interpreter the venvs are made with. */
  bin: string
}

export function pythonLayout(home: string, method: PythonMethod, version: string): PythonLayout {
  const root = method === 'pyenv' ? `${home}/.pyenv` : `${home}/.static-python`
  const versionDir = `${root}/versions/${version}`
  return { root, versionDir, bin: `${versionDir}/bin/python3` }
}

/** A service's folder (its venv is `<dir>/.venv`), as the Backend.AI install guide lays them out. */
export function serviceDir(home: string, service: string): string {
  return `${home}/${service}`
}

export const VENV_SUBDIR = '.venv'
