// TEMPORARY stand-in until the validate branch lands (same shape).
export interface Diagnostic {
  file: string
  line: number
  col: number
  code: string
  path: string
  message: string
  severity: 'error' | 'warning'
}
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}] ${d.path || '(root)'}: ${d.message}`
}
