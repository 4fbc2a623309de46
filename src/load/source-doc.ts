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
  const value = load(text) as any
  if (value && value.nodes) {
    value.cluster = { locale: 'en_US.UTF-8', keyboard: 'us', timezone: 'UTC', ...value.cluster }
    value.network = { search: [], ...value.network }
    value.mirrors ??= {}
    value.ssh = { allow_password: false, authorized_keys: [], ...value.ssh }
  }
  return { doc: { file, text, value, locate: () => ({ line: 1, col: 1 }) }, diagnostics: [] }
}
