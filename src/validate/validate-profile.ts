// A role profile file: schema, the field rules, and the settings checks. `extends` cycles and unknown parents need
// every profile and are left to profile resolution.
import type { SourceDoc } from '../load/source-doc.js'
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js'
import { checkFields, PROFILE_RULES } from './field-walk.js'
import { validateProfileSchema } from './schema-validator.js'
import { checkSettingsPatch } from './settings-checks.js'

export function validateProfile(doc: SourceDoc): Diagnostic[] {
  const value = doc.value as Record<string, unknown> | null
  const settings = value !== null && typeof value === 'object' ? value.settings : undefined
  return sortDiagnostics([
    ...validateProfileSchema(doc),
    ...checkFields(doc, PROFILE_RULES),
    ...checkSettingsPatch(doc, settings, ['settings']),
  ])
}
