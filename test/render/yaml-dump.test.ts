// dumpYaml's fast path for long literal blocks writes exactly what js-yaml alone writes: hand-picked shapes
// (leading spaces and newlines, every chomping case, nesting in mappings and lists) and many random documents.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dump } from 'js-yaml'
import { dumpYaml } from '../../src/render/yaml-dump.js'
import { MIN_SWAP_LENGTH, indentBlock, takesLiteralFastPath, takesPlainFastPath } from '../../src/render/yaml-literal-blocks.js'
import { randomBytes } from 'node:crypto'

const reference = (v: unknown): string => dump(v, { noRefs: true, lineWidth: -1, flowLevel: -1 })

const body = Array.from({ length: 60 }, (_, i) => `line ${i}: echo "$HOME" 'quoted' # comment é 한글`).join('\n')

const shapes: Record<string, string> = {
  'no final newline': body,
  'one final newline': `${body}\n`,
  'two final newlines': `${body}\n\n`,
  'three final newlines': `${body}\n\n\n`,
  'leading space': `  indented first line\n${body}\n`,
  'leading newline then space': `\n\n   spaced\n${body}`,
  'leading newline': `\n${body}\n`,
  'blank lines inside': body.replace(/line 1(\d):/g, '\n\nline 1$1:'),
  'trailing spaces on lines': body.replace(/comment/g, 'comment   \n'),
  'document markers inside': `${body}\n---\n...\n`,
  tab: `${body}\n\tindented with a tab\n`,
  'carriage return': `${body}\r\n`,
  'line separator': `${body}\u2028x\n`,
  'non-breaking space': `${body}\u00a0\n`,
  emoji: `${body} 🚀\n`,
  'only whitespace': `${' '.repeat(MIN_SWAP_LENGTH)}\n `,
}

test('the fast path takes long literal-safe strings and leaves the rest to js-yaml', () => {
  assert.ok(takesLiteralFastPath(shapes['no final newline']!))
  assert.ok(takesLiteralFastPath(shapes['leading newline then space']!))
  for (const name of ['tab', 'carriage return', 'line separator', 'non-breaking space', 'emoji', 'only whitespace', 'document markers inside']) {
    assert.not.ok(takesLiteralFastPath(shapes[name]!), name)
  }
  assert.not.ok(takesLiteralFastPath('short\nstring\n'))
})

test('every shape, as a mapping value, a list item and deep inside, dumps as js-yaml dumps it', () => {
  for (const [name, s] of Object.entries(shapes)) {
    const docs = [
      { key: s },
      { write_files: [{ path: '/x', content: s, permissions: '0755' }, { path: '/y', content: s }] },
      { a: { b: { c: [[s, { d: s }]] } }, tail: 'x' },
      [s, 'short', s],
      { runcmd: [['bash', '-c', s]], s2: s, after: { z: 1 } },
    ]
    for (const doc of docs) assert.is(dumpYaml(doc), reference(doc), `${name}: ${JSON.stringify(doc).slice(0, 60)}`)
  }
})

const base64Shapes: Record<string, string> = {
  'no padding': randomBytes(3000).toString('base64'),
  'one =': randomBytes(3001).toString('base64'),
  'two =': randomBytes(3002).toString('base64'),
  'leading +': `+${randomBytes(300).toString('base64')}`,
  'leading /': `/${randomBytes(300).toString('base64')}`,
  'digits only': '1234567890'.repeat(10),
  'digits and e': `${'1'.repeat(40)}e${'2'.repeat(40)}`,
  'digits, e and +': `+${'1'.repeat(40)}e+${'2'.repeat(40)}`,
  hex: `0x${'0123456789abcdefABCDEF'.repeat(4)}`,
  'octal and binary prefixes': `0o${'7'.repeat(70)}`,
  'one letter': `${'1'.repeat(40)}Z${'2'.repeat(40)}`,
  'one slash': `${'1'.repeat(40)}/${'2'.repeat(40)}`,
  short: 'SGVsbG8gd29ybGQ=',
  'padding inside': `${'QUJD'.repeat(20)}=${'QUJD'.repeat(20)}`,
  'ends with space': `${'QUJD'.repeat(20)} `,
}

test('long base64 takes the plain fast path unless YAML could read it as a number', () => {
  for (const name of ['no padding', 'one =', 'two =', 'leading +', 'leading /', 'one letter', 'one slash']) {
    assert.ok(takesPlainFastPath(base64Shapes[name]!), name)
  }
  for (const name of ['digits only', 'digits and e', 'digits, e and +', 'hex', 'octal and binary prefixes', 'short', 'padding inside', 'ends with space']) {
    assert.not.ok(takesPlainFastPath(base64Shapes[name]!), name)
  }
})

test('every base64 shape, as a mapping value, a list item and beside literal blocks, dumps as js-yaml dumps it', () => {
  const block = shapes['one final newline']!
  for (const [name, s] of Object.entries(base64Shapes)) {
    const docs = [
      { key: s },
      { write_files: [{ path: '/x', encoding: 'gz+b64', content: s }, { path: '/y', content: block }, { path: '/z', content: s }] },
      { a: { b: { c: [[s, { d: s }]] } }, tail: 'x' },
      [s, 'short', block, s],
      s,
    ]
    for (const doc of docs) assert.is(dumpYaml(doc), reference(doc), `${name}: ${JSON.stringify(doc).slice(0, 60)}`)
  }
})

test('js-yaml indentation of a block is reproduced', () => {
  for (const s of Object.values(shapes)) {
    for (const n of [2, 4, 10]) {
      const want = ' '.repeat(n) + s.split('\n').join(`\n${' '.repeat(n)}`)
      // js-yaml leaves empty lines unindented and drops one final newline.
      const js = want.replace(new RegExp(`^ {${n}}$`, 'gm'), '').replace(/\n$/, '')
      assert.is(indentBlock(s, n), js)
    }
  }
})

// A small deterministic generator (xorshift32) of documents with long multi-line strings in random places.
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

test('random documents dump as js-yaml dumps them', () => {
  const next = rng(0x5eed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!
  const pieces = ['echo hi', '', ' ', '  x', 'key: value', '- item', '# c', "'q'", '"dq"', 'é', '---', '...', 'a\\b', '{x}', '|', '>']
  // One string in five gets a character that sends it to js-yaml's own analysis.
  const spoilers = ['\t', '\r', '\u2028', '\u0085', '\u{1F680}']
  let fast = 0
  const longString = (): string => {
    const lines: string[] = []
    const n = 80 + Math.floor(next() * 80)
    for (let i = 0; i < n; i++) lines.push(pick(pieces) + pick(pieces) + pick(pieces))
    if (next() < 0.2) lines.push(pick(spoilers))
    const s = pick(['', '\n', '\n ', ' ']) + lines.join('\n') + pick(['', '\n', '\n\n'])
    if (takesLiteralFastPath(s)) fast++
    return s
  }
  const value = (depth: number): unknown => {
    const r = next()
    if (depth > 3 || r < 0.3) return r < 0.12 ? longString() : r < 0.16 ? pick(Object.values(base64Shapes)) : pick(['short', 42, true, null, 'multi\nline'])
    if (r < 0.65) return Array.from({ length: 1 + Math.floor(next() * 3) }, () => value(depth + 1))
    return Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => [`k${i}`, value(depth + 1)]))
  }
  for (let i = 0; i < 300; i++) {
    const doc = { root: value(0), other: value(1) }
    assert.is(dumpYaml(doc), reference(doc), `document ${i}`)
  }
  assert.ok(fast > 50, `enough strings took the fast path (${fast})`)
})

test.run()
