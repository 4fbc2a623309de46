// A diagnostic placed at a path of a loaded file.
import type { SourceDoc } from '../load/source-doc.js'
import { formatPath, type Diagnostic, type PathSegment, type Severity } from './diagnostic.js'

export function diagnosticAt(
  doc: SourceDoc,
  path: readonly PathSegment[],
  code: string,
  message: string,
  severity: Severity = 'error',
  which: 'key' | 'value' = 'value',
): Diagnostic {
  const pos = doc.locate(path, which)
  return { file: doc.file, line: pos.line, col: pos.col, code, path: formatPath(path), message, severity }
}
