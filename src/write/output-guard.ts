// Folders bai-seed never writes into, whatever the flags (--force included): `/`, every home folder of the user
// database (not only $HOME, which may be unset or wrong), the inventory's own folder, and any folder that holds the
// inventory or a profile folder (replacing a node folder there could replace the inputs themselves).
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { basename, dirname, resolve, sep } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'

export interface OutputInputs {
  inventory?: string
  /** Every profile folder of the run: the --profiles ones and those the inventory names. */
  profiles?: string[]
}

/** The real path of `path`, also when it (or its tail) does not exist yet. */
export function realPathOf(path: string): string {
  const abs = resolve(path)
  if (existsSync(abs)) return realpathSync(abs)
  const parent = dirname(abs)
  return parent === abs ? abs : resolve(realPathOf(parent), basename(abs))
}

function inside(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder === sep ? sep : folder + sep)
}

/**
 * Home folders of the user database: field 6 of every /etc/passwd line (what getpwent(3) walks for local users),
 * the current user's as getpwuid(3) gives it (also users of other sources, e.g. LDAP), and $HOME.
 */
export function homeFolders(passwd = '/etc/passwd', env: NodeJS.ProcessEnv = process.env): string[] {
  const homes = new Set<string>()
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const home = line.split(':')[5]
      if (home && home.startsWith('/')) homes.add(home)
    }
  } catch {
    // No readable /etc/passwd: the other sources still count.
  }
  try {
    homes.add(userInfo().homedir)
  } catch {
    // No entry for this uid (a container's arbitrary uid).
  }
  for (const h of [homedir(), env.HOME]) if (h) homes.add(h)
  return [...homes]
}

/**
 * Throws an OutputError when `outDir` is a folder bai-seed must not write into. `inputs`: the inventory file and
 * the profile folders (or files) of this run.
 */
export function checkOutputFolder(outDir: string, inputs: OutputInputs = {}): void {
  const out = realPathOf(outDir)
  const refuse = (why: string): never => {
    throw new OutputError('EREFUSED', outDir, `refusing to write into ${why}; choose an output folder of its own (-o DIR)`)
  }
  if (out === sep) refuse('the root folder /')
  for (const home of homeFolders()) {
    if (home !== sep && out === realPathOf(home)) refuse(`the home folder ${home}`)
  }
  if (inputs.inventory) {
    const inventory = realPathOf(inputs.inventory)
    if (out === dirname(inventory)) refuse(`the folder of the inventory ${inputs.inventory}`)
    if (inside(out, inventory)) refuse(`a folder that holds the inventory ${inputs.inventory}`)
  }
  for (const profile of inputs.profiles ?? []) {
    const real = realPathOf(profile)
    if (inside(out, real)) refuse(out === real ? `the profile folder ${profile}` : `a folder that holds the profiles ${profile}`)
  }
}
