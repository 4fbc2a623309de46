// The compact copy of provision.sh that both user-data files embed: comment lines, blank lines and indentation go
// where bash reads commands, nothing else changes. Proven with bash itself: each copy is wrapped in a function and
// bash prints both functions identically (bash's own printing drops comments and normalises layout, and keeps
// here-documents and quoted text as they are). Plus the tricky cases one by one, and bash -n / shellcheck on the
// compact copy of every fixture's script.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compactScript } from '../../src/render/script/compact-script.js'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { requireTool, run } from '../helpers/tools.js'
import { listFiles } from '../../src/write/manifest.js'

const inventories = [
  { file: exampleInventory, env: {} },
  { file: join(fixtures, 'single-node.yaml'), env: { BAI_TEST_PASSWORD: 'pw' } },
  { file: join(fixtures, 'metachar.yaml'), env: {} },
]

let n = 0
/** How bash reads a script: its text (without the #! line) as the body of a function, printed by `declare -f`. */
function asBashReadsIt(script: string): string {
  const body = script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1) : script
  const file = join(tempDir('compact'), `wrapped-${n++}.sh`)
  writeFileSync(file, `__script() {\n${body}\n}\n`)
  const r = run('bash', ['-c', 'source "$1" && declare -f __script', 'bash', file])
  assert.is(r.status, 0, r.stderr)
  return r.stdout
}

test('every fixture script: the compact copy reads the same to bash, passes bash -n and shellcheck, and is smaller', async () => {
  requireTool('shellcheck')
  let checked = 0
  for (const inv of inventories) {
    const rendered = await renderFixture(inv.file, { env: inv.env })
    for (const f of (await listFiles(rendered)).filter((p) => p.endsWith('provision.sh'))) {
      const script = readFileSync(f, 'utf8')
      const compact = compactScript(script)
      assert.ok(compact.startsWith('#!/bin/bash\n'), f)
      assert.ok(compact.length < 0.8 * script.length, `${f}: ${compact.length} of ${script.length} bytes`)
      assert.fixture(asBashReadsIt(compact), asBashReadsIt(script))
      const file = join(tempDir('compact'), 'compact.sh')
      writeFileSync(file, compact)
      const syntax = run('bash', ['-n', file])
      assert.is(syntax.status, 0, `${f}: ${syntax.stderr}`)
      const sc = run('shellcheck', ['--severity=warning', '--shell=bash', file])
      assert.is(sc.status, 0, `${f} (compact):\n${sc.stdout}${sc.stderr}`)
      checked++
    }
  }
  assert.ok(checked >= 5, `checked ${checked} scripts`)
})

const cases: { name: string; input: string; expected: string }[] = [
  { name: 'comments, blank lines and indentation go', input: '#!/bin/bash\n# about\n\nf() {\n  # inside\n  echo hi   # trailing stays\n}\n', expected: '#!/bin/bash\nf() {\necho hi   # trailing stays\n}\n' },
  { name: 'a here-document body stays as it is', input: 'cat <<EOF\n  # kept\n\n  indented\nEOF\n  # gone\n', expected: 'cat <<EOF\n  # kept\n\n  indented\nEOF\n' },
  { name: 'quoted here-document delimiter, inside $( )', input: "x=$(python3 - <<'PY'\n# py comment\n    y = 1\nPY\n)\n", expected: "x=$(python3 - <<'PY'\n# py comment\n    y = 1\nPY\n)\n" },
  { name: '<<- matches a tab-indented delimiter', input: 'cat <<-END\n\t# kept\n\tEND\n  # gone\n', expected: 'cat <<-END\n\t# kept\n\tEND\n' },
  { name: 'a here-string is not a here-document', input: 'grep -q x <<<"$a"\n  # gone\n', expected: 'grep -q x <<<"$a"\n' },
  { name: 'multi-line single quotes stay', input: "write '# not a comment\n  indented\n\n'\n  # gone\n", expected: "write '# not a comment\n  indented\n\n'\n" },
  { name: 'multi-line double quotes with $( ) and nested quotes stay', input: 'echo "a $(printf "%s" \')\') b\n  # kept\n"\n# gone\n', expected: 'echo "a $(printf "%s" \')\') b\n  # kept\n"\n' },
  { name: 'a backslash-joined line keeps its indentation', input: 'cmd --a \\\n    --b\n  # gone\n', expected: 'cmd --a \\\n    --b\n' },
  { name: '${#x}, $# and # inside words are not comments', input: 'n=${#arr[@]}; m=$#; u=a#b\n', expected: 'n=${#arr[@]}; m=$#; u=a#b\n' },
  { name: "$'...' with an escaped quote", input: "IFS=$'\\'\\n'\n  # gone\n", expected: "IFS=$'\\'\\n'\n" },
  { name: 'shellcheck directives stay (unindented)', input: '  # shellcheck disable=SC2034\n  x=1\n', expected: '# shellcheck disable=SC2034\nx=1\n' },
]

for (const c of cases) {
  test(`compact: ${c.name}`, () => {
    assert.is(compactScript(c.input), c.expected)
  })
}

test('compact: an unterminated here-document or quote is an internal error, not a silent change', () => {
  assert.throws(() => compactScript('cat <<EOF\nno end\n'), /never closed/)
  assert.throws(() => compactScript("echo 'open\n"), /ends inside/)
})

test.run()
