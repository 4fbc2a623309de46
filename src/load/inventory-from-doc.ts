// The Inventory value of a validated inventory document, with the schema's defaults filled in (locale, keyboard,
// timezone, network.search, mirrors, ssh). Defaults come from the `default` annotations of
// schemas/inventory.schema.json, so the schema stays the one place that states them. `$ref`s are not followed: per-node
// `overrides` are patches, and filling them with defaults would hide the profiles' values.
import type { Inventory } from '../model/inventory.js'
import { INVENTORY_SCHEMA_FILE, readSchema, type JsonSchema } from '../model/schema-files.js'
import type { SourceDoc } from './source-doc.js'

let inventorySchema: JsonSchema | undefined

/** Call after validateInventory reported no error. Does not modify doc.value. */
export function inventoryFromDoc(doc: SourceDoc): Inventory {
  inventorySchema ??= readSchema(INVENTORY_SCHEMA_FILE)
  return applySchemaDefaults(inventorySchema, structuredClone(doc.value)) as Inventory
}

/** Fills missing properties that have a `default` in `schema`, recursively through properties and items; in place. */
function applySchemaDefaults(schema: JsonSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema.items
    if (items && typeof items === 'object' && !Array.isArray(items)) for (const v of value) applySchemaDefaults(items as JsonSchema, v)
    return value
  }
  if (value === null || typeof value !== 'object') return value
  const obj = value as Record<string, unknown>
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>
  for (const [key, sub] of Object.entries(props)) {
    if (!Object.hasOwn(obj, key) && sub.default !== undefined) obj[key] = structuredClone(sub.default)
    if (Object.hasOwn(obj, key)) applySchemaDefaults(sub, obj[key])
  }
  return obj
}
