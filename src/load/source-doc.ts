// TEMPORARY stand-in until the validate branch lands.
import { load } from 'js-yaml'
import { readFileSync } from 'node:fs'
export interface SourceDoc {
  file: string
  text: string
  value: unknown
  locate(path: (string | number)[], which?: 'key' | 'value'): { line: number; col: number }
}
export function loadYamlFile(file: string): { doc?: SourceDoc; diagnostics: never[] } {
  const text = readFileSync(file, 'utf8')
  return { doc: { file, text, value: load(text), locate: () => ({ line: 1, col: 1 }) }, diagnostics: [] }
}
