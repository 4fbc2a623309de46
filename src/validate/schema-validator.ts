// JSON Schema validation of a loaded file (ajv; validators generated at build time or compiled once per process),
// with each ajv error turned into a diagnostic at the exact YAML position: unknown keys point at the key, missing
// keys at the parent, anything else at the offending value.
import { excerpt } from '../diagnostics/excerpt.js'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { SourceDoc } from '../load/source-doc.js'
import { closest } from './did-you-mean.js'
import type { Diagnostic, PathSegment } from '../diagnostics/diagnostic.js'
import { diagnosticAt } from '../diagnostics/diagnostic-at.js'
import { M } from '../diagnostics/messages.js'
import { INVENTORY_SCHEMA_FILE, PROFILE_SCHEMA_FILE, type JsonSchema } from '../model/schema-files.js'
import { compileValidator, generatedValidator } from './schema-compiler.js'

const compiled = new Map<string, ValidateFunction>()

// Validators generated at build time when they match the schema files, else compiled now (schema-compiler.ts).
function validator(name: string): ValidateFunction {
  let fn = compiled.get(name)
  if (!fn) {
    fn = generatedValidator(name) ?? compileValidator(name)
    compiled.set(name, fn)
  }
  return fn
}

export function validateInventorySchema(doc: SourceDoc): Diagnostic[] {
  return validateAgainst(doc, INVENTORY_SCHEMA_FILE)
}

export function validateProfileSchema(doc: SourceDoc): Diagnostic[] {
  return validateAgainst(doc, PROFILE_SCHEMA_FILE)
}

/** Validates `doc.value` against one of the bundled schemas (by file name). */
function validateAgainst(doc: SourceDoc, schemaName: string): Diagnostic[] {
  const fn = validator(schemaName)
  if (fn(doc.value)) return []
  return mapSchemaErrors(doc, fn.errors ?? [])
}

/** Turns ajv errors (run with allErrors and verbose) into diagnostics for `doc`. */
function mapSchemaErrors(doc: SourceDoc, errors: readonly ErrorObject[]): Diagnostic[] {
  // A wrong type makes every other complaint about the same value noise.
  const typeWrong = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath))
  const out: Diagnostic[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    if (e.keyword !== 'type' && typeWrong.has(e.instancePath)) continue
    const d = mapOne(doc, e)
    if (!d) continue
    const id = `${d.line}:${d.col}:${d.code}:${d.message}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push(d)
  }
  return out
}

function mapOne(doc: SourceDoc, e: ErrorObject): Diagnostic | undefined {
  const path = toPath(doc.value, e.instancePath)
  const parent = (e.parentSchema ?? {}) as JsonSchema
  const params = e.params as Record<string, unknown>
  const at = (p: PathSegment[], which: 'key' | 'value', code: string, message: string): Diagnostic =>
    diagnosticAt(doc, p, code, message, 'error', which)
  switch (e.keyword) {
    case 'required':
      return at(path, 'key', 'SCHEMA_REQUIRED', M.schemaRequired(String(params.missingProperty)))
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const allowed = Object.keys((parent.properties ?? {}) as object)
      const message =
        key.endsWith('+') && allowed.includes(key.slice(0, -1))
          ? M.schemaUnknownAppendKey(key)
          : M.schemaUnknownKey(key, closest(key, allowed), allowed.filter((k) => !k.endsWith('+')))
      return at([...path, key], 'key', 'SCHEMA_UNKNOWN_KEY', message)
    }
    case 'type': {
      const expected = describeTypes(String(params.type))
      const got = describeValue(e.data)
      const raw = doc.raw(path)
      const wantsString = String(params.type).split(',').includes('string')
      const quotable = wantsString && raw !== undefined && (typeof e.data === 'number' || typeof e.data === 'boolean')
      // An explicit tag (`!!int "5"`) made it so: quoting would not help, dropping the tag does.
      const tag = raw === undefined ? undefined : /^!\S*/.exec(raw)?.[0]
      if (tag !== undefined) return at(path, 'value', 'SCHEMA_TYPE', M.schemaTypeTag(expected, got, tag))
      return at(path, 'value', 'SCHEMA_TYPE', quotable ? M.schemaTypeQuote(expected, got, raw) : M.schemaType(expected, got))
    }
    case 'enum': {
      const allowed = (params.allowedValues ?? []) as unknown[]
      const suggest = typeof e.data === 'string' ? closest(e.data, allowed.map(String)) : undefined
      return at(path, 'value', 'SCHEMA_ENUM', M.schemaEnum(allowed, e.data, suggest))
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return at(path, 'value', 'SCHEMA_RANGE', M.schemaMinimum(Number(params.limit), e.data))
    case 'maximum':
    case 'exclusiveMaximum':
      return at(path, 'value', 'SCHEMA_RANGE', M.schemaMaximum(Number(params.limit), e.data))
    case 'minItems':
      return at(path, 'value', 'SCHEMA_ITEMS', M.schemaMinItems(Number(params.limit)))
    case 'maxItems':
      return at(path, 'value', 'SCHEMA_ITEMS', M.schemaMaxItems(Number(params.limit)))
    case 'uniqueItems': {
      const [first, second] = [Number(params.j), Number(params.i)].sort((a, b) => a - b) as [number, number]
      return at([...path, second], 'value', 'SCHEMA_DUPLICATE_ITEM', M.schemaDuplicateItem(first))
    }
    case 'minLength':
      return at(path, 'value', 'SCHEMA_EMPTY', M.schemaEmpty)
    case 'maxLength':
      return at(path, 'value', 'SCHEMA_LENGTH', M.schemaMaxLength(Number(params.limit)))
    case 'minProperties':
    case 'maxProperties':
      if (parent.minProperties === 1 && parent.maxProperties === 1) {
        const keys = Object.keys((parent.properties ?? {}) as object)
        return at(path, 'key', 'SCHEMA_EXACTLY_ONE', M.schemaExactlyOne(keys))
      }
      return at(path, 'key', 'SCHEMA_EMPTY', M.schemaEmpty)
    default:
      return at(path, 'value', 'SCHEMA_INVALID', M.schemaOther(e.message ?? e.keyword))
  }
}

/** JSON pointer -> path, with numbers for the indexes of arrays actually present in the data. */
function toPath(data: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return []
  const out: PathSegment[] = []
  let cur: unknown = data
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(cur)) {
      const n = Number(seg)
      out.push(n)
      cur = cur[n]
    } else {
      out.push(seg)
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined
    }
  }
  return out
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
}

function describeTypes(types: string): string {
  const names = types.split(',').map((t) => TYPE_NAMES[t] ?? t)
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
}

/** How a wrong value is shown in a type error. */
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (an empty value)'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `the string ${excerpt(v)}`
  if (typeof v === 'number') return `the number ${v}`
  return String(v)
}
