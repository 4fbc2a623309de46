// A diagnostic placed at a path of a loaded file. Anything that can locate a path (a loaded YAML document) will do,
// so this module needs nothing from the stages that use it.
import { formatPath, type Diagnostic, type PathSegment, type Severity } from './diagnostic.js'

export interface Locator {
  file: string
  locate(path: readonly PathSegment[], which?: 'key' | 'value'): { line: number; col: number }
}

export function diagnosticAt(
  doc: Locator,
  path: readonly PathSegment[],
  code: string,
  message: string,
  severity: Severity = 'error',
  which: 'key' | 'value' = 'value',
): Diagnostic {
  const pos = doc.locate(path, which)
  return { file: doc.file, line: pos.line, col: pos.col, code, path: formatPath(path), message, severity }
}
