// Loads role profiles from the shipped profiles/ folder and from user folders (--profiles DIR). A user profile with
// the name of a shipped one replaces it; inside it, `extends: [<its own name>]` means the profile it replaces.
import { readdirSync, existsSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import type { SourceDoc } from '../load/source-doc.js'
import { loadYamlFile } from '../load/load-yaml.js'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { MAX_PROFILE_BYTES } from '../load/read-input.js'

export interface Profile {
  name: string
  file: string
  /** 0 for shipped profiles, then one more per --profiles folder, in the order given. */
  layer: number
  description: string
  extends: string[]
  settings: Record<string, unknown>
  doc: SourceDoc
}

export interface ProfileSet {
  /** name -> profiles of that name, lowest layer first. */
  byName: Map<string, Profile[]>
  /** Names of profiles that failed to load (their errors are reported); not unknown, just unusable. */
  broken: Set<string>
}

export function profileFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f))
}

export function profileName(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.ya?ml$/, '')
}

export function loadProfileSet(dirs: string[], diagnostics: Diagnostic[], validate?: (doc: SourceDoc) => Diagnostic[]): ProfileSet {
  const byName = new Map<string, Profile[]>()
  const broken = new Set<string>()
  dirs.forEach((dir, layer) => {
    for (const file of profileFiles(dir)) {
      const loaded = loadYamlFile(file, { maxBytes: MAX_PROFILE_BYTES, what: 'a profile' })
      diagnostics.push(...loaded.diagnostics)
      const doc = loaded.doc
      const found = doc && validate ? validate(doc) : []
      diagnostics.push(...found)
      if (!doc || found.some((d) => d.severity === 'error')) {
        broken.add(profileName(file))
        continue
      }
      const value = (doc.value ?? {}) as Record<string, unknown>
      const profile: Profile = {
        name: profileName(file),
        file,
        layer,
        description: typeof value.description === 'string' ? value.description : '',
        extends: Array.isArray(value.extends) ? (value.extends as string[]) : [],
        settings: (value.settings ?? {}) as Record<string, unknown>,
        doc,
      }
      const list = byName.get(profile.name) ?? []
      list.push(profile)
      byName.set(profile.name, list)
    }
  })
  return { byName, broken }
}

/** The profile a name refers to, seen from a profile at `fromLayer` named `fromName` (self-reference = layer below). */
export function lookupProfile(set: ProfileSet, name: string, from?: Profile): Profile | undefined {
  const list = set.byName.get(name)
  if (!list) return undefined
  if (from && from.name === name) {
    return [...list].reverse().find((p) => p.layer < from.layer)
  }
  return list[list.length - 1]
}

/** A profile as people read it: its name, and the folder it came from unless it is a shipped one. */
export function profileLabel(p: Profile): string {
  if (p.layer === 0) return p.name
  const dir = relative(process.cwd(), dirname(p.file)) || '.'
  return `${p.name} (${dir.startsWith('..') || isAbsolute(dir) ? dir : `./${dir}`})`
}
