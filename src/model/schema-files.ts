// The JSON Schemas of the inputs live in <package>/schemas/ (shipped in the npm package, referenced by the example
// files' `# yaml-language-server: $schema=` lines). Found by walking up from this module, which sits at
// src/model/ when run from source and at dist/src/model/ when compiled.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const INVENTORY_SCHEMA_FILE = 'inventory.schema.json'
export const PROFILE_SCHEMA_FILE = 'profile.schema.json'

let dir: string | undefined

/** Absolute path of the package's schemas/ folder. */
export function schemasDir(): string {
  if (dir) return dir
  let cur = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(cur, 'schemas')
    if (existsSync(join(candidate, INVENTORY_SCHEMA_FILE))) return (dir = candidate)
    const up = dirname(cur)
    if (up === cur) throw new Error(`bai-seed: cannot find schemas/${INVENTORY_SCHEMA_FILE} above ${fileURLToPath(import.meta.url)}`)
    cur = up
  }
}

export type JsonSchema = Record<string, unknown>

export function readSchema(name: string): JsonSchema {
  return JSON.parse(readFileSync(join(schemasDir(), name), 'utf8')) as JsonSchema
}
