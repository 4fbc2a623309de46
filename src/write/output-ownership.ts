// What bai-seed may replace or remove in an output folder: only what the previous manifest.json lists. A node folder
// with a file the manifest does not list (or a folder the manifest does not know at all) is left alone and the run
// stops, unless --force; so is an output folder that has content but no manifest.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MANIFEST_NAME, unitOf, type Manifest, type ManifestEntry } from './manifest.js'
import { OutputError } from '../diagnostics/errors.js'

export class Ownership {
  /** unit (first path segment) -> its entries in the previous manifest. */
  readonly units = new Map<string, ManifestEntry[]>()
  private readonly paths = new Set<string>()

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
      this.paths.add(e.path)
    }
  }

  /** Refuses an output folder with content and no manifest (unless --force). Dot-entries are bai-seed's own. */
  checkFolder(): void {
    if (this.previous || this.force) return
    const foreign = readdirSync(this.outDir).filter((n) => !n.startsWith('.')).sort()
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
   * previous manifest, or it holds a file (or link, device, ...) the manifest does not list. With --force, anything.
   */
  claim(unit: string, hint = 'pass --force to replace it'): boolean {
    const top = join(this.outDir, unit)
    let st
    try {
      st = lstatSync(top)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw e
    }
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
        if (s.isDirectory()) walk(full, path)
        else if (!s.isFile() || !this.paths.has(path)) refuse(`holds ${path.slice(unit.length + 1)}`)
      }
    }
    walk(top, unit)
    return true
  }
}
