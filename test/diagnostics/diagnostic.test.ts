import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  diagnosticsToJson,
  formatDiagnostic,
  formatPath,
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
} from '../../src/diagnostics/diagnostic.js'

const d = (over: Partial<Diagnostic>): Diagnostic => ({
  file: 'cluster.yaml',
  line: 12,
  col: 9,
  code: 'DUPLICATE_IP',
  path: 'nodes[1].ip',
  message: 'address 10.20.30.10 is already used by nodes[0] (line 8)',
  severity: 'error',
  ...over,
})

test('formatPath', () => {
  assert.is(formatPath([]), '(root)')
  assert.is(formatPath(['nodes', 1, 'ip']), 'nodes[1].ip')
  assert.is(formatPath(['settings', 'images', 'pull+', 0]), 'settings.images.pull+[0]')
  assert.is(formatPath(['sysctl', 'values', 'net.core.somaxconn']), 'sysctl.values["net.core.somaxconn"]')
  assert.is(formatPath(['a b']), '["a b"]')
})

test('formatDiagnostic: file:line:col: severity[CODE] path: message', () => {
  assert.is(
    formatDiagnostic(d({})),
    'cluster.yaml:12:9: error[DUPLICATE_IP] nodes[1].ip: address 10.20.30.10 is already used by nodes[0] (line 8)',
  )
  assert.is(formatDiagnostic(d({ severity: 'warning', code: 'X', path: '(root)', message: 'm' })), 'cluster.yaml:12:9: warning[X] (root): m')
})

test('sortDiagnostics orders by file, line, col, code', () => {
  const list = [d({ line: 5, col: 2 }), d({ line: 1, col: 9, code: 'B' }), d({ line: 1, col: 9, code: 'A' }), d({ file: 'a.yaml', line: 99 })]
  assert.equal(
    sortDiagnostics(list).map((x) => [x.file, x.line, x.col, x.code]),
    [
      ['a.yaml', 99, 9, 'DUPLICATE_IP'],
      ['cluster.yaml', 1, 9, 'A'],
      ['cluster.yaml', 1, 9, 'B'],
      ['cluster.yaml', 5, 2, 'DUPLICATE_IP'],
    ],
  )
})

test('diagnosticsToJson counts errors and warnings; warnings alone are ok', () => {
  const w = d({ severity: 'warning', line: 1 })
  const e = d({})
  assert.equal(diagnosticsToJson([e, w]), { ok: false, errors: 1, warnings: 1, diagnostics: [w, e] })
  assert.equal(diagnosticsToJson([w]), { ok: true, errors: 0, warnings: 1, diagnostics: [w] })
  assert.equal(diagnosticsToJson([]), { ok: true, errors: 0, warnings: 0, diagnostics: [] })
  assert.ok(hasErrors([w, e]))
  assert.not.ok(hasErrors([w]))
  // The JSON form round-trips through JSON.stringify without losing fields.
  assert.equal(JSON.parse(JSON.stringify(diagnosticsToJson([e]))).diagnostics[0], e)
})

test.run()
