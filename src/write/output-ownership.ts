// What bai-seed may replace or remove in an output folder: only what the previous manifest.json lists. A node folder
// with a file the manifest does not list, or a folder holding no listed file (an empty folder a user made), or a
// folder the manifest does not know at all, is left alone and the run stops, unless --force; so is an output folder
// that has content but no manifest. Single files (the PXE tree, the installer ISO) are claimed one by one: a file in
// the way that the manifest does not list is refused whatever the flags, and so is a symbolic link on the way to it.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MANIFEST_NAME, unitOf, type Manifest, type ManifestEntry } from './manifest.js'
import { OutputError } from '../diagnostics/errors.js'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'

/** Entries of an output folder that are bai-seed's own state, not content. */
const OWN_STATE: ReadonlySet<string> = new Set([OUTPUT_LAYOUT.stateDir, OUTPUT_LAYOUT.nodeKeyFile, OUTPUT_LAYOUT.statusDir])

function lstatOrNull(path: string) {
  try {
    return lstatSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

export class Ownership {
  /** unit (first path segment) -> its entries in the previous manifest. */
  readonly units = new Map<string, ManifestEntry[]>()
  readonly paths = new Map<string, ManifestEntry>()
  /** Every folder that holds a listed file. */
  private readonly folders = new Set<string>()

  constructor(
    private readonly outDir: string,
    readonly previous: Manifest | null,
    private readonly force: boolean,
  ) {
    for (const e of previous?.files ?? []) {
      const unit = unitOf(e.path)
      const list = this.units.get(unit) ?? []
      list.push(e)
      this.units.set(unit, list)
      this.paths.set(e.path, e)
      const parts = e.path.split('/')
      for (let i = 1; i < parts.length; i++) this.folders.add(parts.slice(0, i).join('/'))
    }
  }

  /** Refuses an output folder with content and no manifest (unless --force). */
  checkFolder(): void {
    if (this.previous || this.force) return
    let names: string[]
    try {
      names = readdirSync(this.outDir)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
      throw e
    }
    const foreign = names.filter((n) => !OWN_STATE.has(n)).sort()
    if (foreign.length === 0) return
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, ... (${foreign.length} entries)` : '')
    throw new OutputError(
      'EREFUSED',
      this.outDir,
      `is not empty (${shown}) and has no ${MANIFEST_NAME} of an earlier render: refusing to write into a folder bai-seed did not make; ` +
        'choose an empty or new folder, or pass --force',
    )
  }

  /**
   * Whether `<outDir>/<unit>` exists; throws when it does and bai-seed may not replace it: it is not listed in the
   * previous manifest, or it holds a file (or link, device, empty folder, ...) the manifest does not list. With
   * --force, anything.
   */
  claim(unit: string, hint = 'pass --force to replace it'): boolean {
    const top = join(this.outDir, unit)
    const st = lstatOrNull(top)
    if (!st) return false
    if (this.force) return true
    const refuse = (what: string): never => {
      throw new OutputError('EREFUSED', top, `${what}, which bai-seed did not write (${MANIFEST_NAME} does not list it): move it away, or ${hint}`)
    }
    if (!this.units.has(unit)) refuse(st.isDirectory() ? 'exists' : 'exists and is not a folder')
    if (!st.isDirectory()) {
      if (st.isFile() && this.paths.has(unit)) return true
      refuse('is not a folder')
    }
    const walk = (dir: string, rel: string): void => {
      for (const name of readdirSync(dir)) {
        const path = `${rel}/${name}`
        const full = join(dir, name)
        const s = lstatSync(full)
        if (s.isDirectory()) {
          if (!this.folders.has(path)) refuse(`holds the folder ${path.slice(unit.length + 1)}/`)
          walk(full, path)
        } else if (!s.isFile() || !this.paths.has(path)) refuse(`holds ${path.slice(unit.length + 1)}`)
      }
    }
    walk(top, unit)
    return true
  }

  /**
   * For a writer of single files (`path`: '/'-separated, inside the output folder): whether the file exists, after
   * checking that every folder on the way is a real folder (not a symbolic link) and that an existing file is one
   * the manifest lists. Refuses otherwise, --force or not: these writers never replace what they did not write.
   */
  claimFile(path: string): boolean {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = join(this.outDir, ...parts.slice(0, i))
      const st = lstatOrNull(dir)
      if (!st) return false
      if (!st.isDirectory()) throw new OutputError('EREFUSED', dir, `is not a folder (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}); bai-seed writes ${path} below it: move it away`)
    }
    const full = join(this.outDir, ...parts)
    const st = lstatOrNull(full)
    if (!st) return false
    if (!this.paths.has(path) || !(st.isFile() || st.isSymbolicLink())) {
      throw new OutputError('EREFUSED', full, `exists, and bai-seed did not write it (${MANIFEST_NAME} does not list it): move it away; bai-seed never replaces it`)
    }
    return true
  }
}
