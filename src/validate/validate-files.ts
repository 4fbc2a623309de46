// Load + validate in one call for each input file, for commands that only need the verdict and the value.
import { inventoryFromDoc } from '../load/inventory-from-doc.js'
import { loadYamlFile } from '../load/load-yaml.js'
import type { SourceDoc } from '../load/source-doc.js'
import type { Inventory } from '../model/inventory.js'
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic.js'
import { validateInventory, type InventoryCheckOptions } from './validate-inventory.js'
import { validateProfile } from './validate-profile.js'

export interface InventoryFileResult {
  /** Absent when the file could not be read or parsed. */
  doc?: SourceDoc
  /** With the schema's defaults; present only when there is no error (warnings allowed). */
  inventory?: Inventory
  diagnostics: Diagnostic[]
}

export function validateInventoryFile(
  file: string,
  knownRoles: ReadonlySet<string>,
  opts: InventoryCheckOptions = {},
): InventoryFileResult {
  const loaded = loadYamlFile(file)
  if (!loaded.doc) return { diagnostics: loaded.diagnostics }
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...validateInventory(loaded.doc, knownRoles, opts)])
  const result: InventoryFileResult = { doc: loaded.doc, diagnostics }
  if (!hasErrors(diagnostics)) result.inventory = inventoryFromDoc(loaded.doc)
  return result
}

export function validateProfileFile(file: string): { doc?: SourceDoc; diagnostics: Diagnostic[] } {
  const loaded = loadYamlFile(file)
  if (!loaded.doc) return { diagnostics: loaded.diagnostics }
  return { doc: loaded.doc, diagnostics: sortDiagnostics([...loaded.diagnostics, ...validateProfile(loaded.doc)]) }
}

/** `lineText` for formatDiagnostics, from the loaded documents. */
export function sourceLines(docs: Iterable<SourceDoc>): (file: string, line: number) => string | undefined {
  const byFile = new Map<string, SourceDoc>()
  for (const d of docs) byFile.set(d.file, d)
  return (file, line) => byFile.get(file)?.lineText(line)
}
