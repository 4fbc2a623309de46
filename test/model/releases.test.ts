// The release-line table: one case per line (Python version and PBS release), lines that do not exist, and the hint.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { KNOWN_RELEASES_HINT, PBS_RELEASES, RELEASE_TABLE, releaseLine } from '../../src/model/releases.js'
import { checkField } from '../../src/validate/field-rules.js'

// line -> [Python, PBS release] (../shared/reference/backendai-os-prep.md)
const cases: [string, string, string][] = [
  ['22.03', '3.10.9', '20221220'],
  ['22.09', '3.10.9', '20221220'],
  ['23.03', '3.11.3', '20230507'],
  ['23.09', '3.11.8', '20240224'],
  ['24.03', '3.12.2', '20240224'],
  ['24.09', '3.12.6', '20240909'],
  ['24.12', '3.12.8', '20241219'],
  ['25.1', '3.12.8', '20241219'],
  ['25.5', '3.12.8', '20241219'],
  ['25.6', '3.13.3', '20250409'],
  ['25.12', '3.13.3', '20250409'],
  ['25.13', '3.13.7', '20250818'],
  ['25.16', '3.13.7', '20250818'],
  ['26.1', '3.13.7', '20250818'],
]

for (const [line, python, pbs] of cases) {
  test(`release line ${line}: Python ${python}, PBS ${pbs}, accepted by validation`, () => {
    const r = releaseLine(line)
    assert.ok(r, line)
    assert.equal(r, { minor: python.split('.').slice(0, 2).join('.'), pin: { version: python, release: pbs } })
    assert.is(checkField('release', line), undefined)
  })
}

test('lines that do not exist are unknown', () => {
  for (const line of ['21.09', '22.06', '24.06', '24.10', '25.0', '25.17', '25.20', '27.1', '24', 'latest']) {
    assert.is(releaseLine(line), undefined, line)
    assert.is(checkField('release', line)?.code, 'UNKNOWN_RELEASE', line)
  }
})

test('the hint names every line of the table and no line that does not exist', () => {
  assert.is(KNOWN_RELEASES_HINT, '22.03, 22.09, 23.03, 23.09, 24.03, 24.09, 24.12, 25.1 ... 25.5, 25.6 ... 25.12, 25.13 ... 25.16, 26.x')
  assert.not.match(KNOWN_RELEASES_HINT, /25\.20/)
  for (const row of RELEASE_TABLE) assert.ok(PBS_RELEASES[row.python], `${row.label}: no PBS release for ${row.python}`)
})

test.run()
