// Merged settings are checked, not cast: after `extends`, the roles and the node's overrides, every field the
// profile schema declares must have a value. Each patch was already checked against the schema, so the types are
// right; what can go wrong is a field nobody set (a replaced `base` profile that leaves sections out). The schema
// is the one statement of the settings' shape (test/plan/settings-shape.test.ts ties the TypeScript type to it).
import type { Settings } from '../model/settings.js'
import { PROFILE_SCHEMA_FILE, readSchema, type JsonSchema } from '../model/schema-files.js'

let definitions: Record<string, JsonSchema> | undefined

function defs(): Record<string, JsonSchema> {
  definitions ??= readSchema(PROFILE_SCHEMA_FILE).definitions as Record<string, JsonSchema>
  return definitions
}

function deref(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) return defs()[ref.slice('#/definitions/'.length)]!
  return schema
}

/** A record of fields (a section, nvidia.driver ...) rather than a map with optional keys (python.sha256). */
export function isFieldRecord(schema: JsonSchema): boolean {
  const s = deref(schema)
  const props = s.properties as Record<string, JsonSchema> | undefined
  return s.type === 'object' && props !== undefined && Object.values(props).some((p) => 'default' in deref(p) || isFieldRecord(p))
}

/** A field every merged tree must have: one with a default in the schema, or a record of such fields. */
function isRequiredField(schema: JsonSchema): boolean {
  return 'default' in deref(schema) || isFieldRecord(schema)
}

/** Dotted paths of the declared fields that `value` lacks (append keys `x+` are patch syntax, not fields). */
export function missingSettings(value: unknown): string[] {
  const missing: string[] = []
  const walk = (schema: JsonSchema, v: unknown, path: string[]): void => {
    const s = deref(schema)
    const props = s.properties as Record<string, JsonSchema> | undefined
    if (!props || !isFieldRecord(s)) return
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      missing.push(path.join('.'))
      return
    }
    for (const [key, sub] of Object.entries(props)) {
      if (key.endsWith('+') || !isRequiredField(sub)) continue
      if (!Object.hasOwn(v, key) || (v as Record<string, unknown>)[key] === undefined) missing.push([...path, key].join('.'))
      else walk(sub, (v as Record<string, unknown>)[key], [...path, key])
    }
  }
  walk(defs().settingsPatch!, value, [])
  return missing
}

/** The merged tree as Settings when it is complete, else the missing fields. */
export function checkedSettings(value: unknown): { settings?: Settings; missing: string[] } {
  const missing = missingSettings(value)
  return missing.length ? { missing } : { settings: value as Settings, missing }
}
