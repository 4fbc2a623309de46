// Folders bai-seed never writes into, whatever the flags: `/`, the home folder, the inventory's own folder, and any
// folder that holds the inventory or a profile (replacing a node folder there could replace the inputs themselves).
import { existsSync, realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, resolve, sep } from 'node:path'
import { OutputError } from '../diagnostics/errors.js'

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
 * Throws an OutputError when `outDir` is a folder bai-seed must not write into. `inputs`: the inventory file and
 * the profile folders (or files) of this run.
 */
export function checkOutputFolder(outDir: string, inputs: { inventory?: string; profiles?: string[] } = {}): void {
  const out = realPathOf(outDir)
  const refuse = (why: string): never => {
    throw new OutputError('EREFUSED', outDir, `refusing to write into ${why}; choose an output folder of its own (-o DIR)`)
  }
  if (out === sep) refuse('the root folder /')
  for (const home of new Set([homedir(), process.env.HOME].filter((h): h is string => !!h))) {
    if (out === realPathOf(home)) refuse('the home folder')
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
