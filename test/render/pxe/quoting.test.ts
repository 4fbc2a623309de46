// The loader quoting helpers, table-driven, and checked against the independent lexer models: whatever a helper
// writes must read back as exactly the value (one word, nothing expanded), and what it cannot write it refuses.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { grubQuote, grubQuoteList } from '../../../src/render/pxe/grub-quote.js'
import { ipxeQuote } from '../../../src/render/pxe/ipxe-quote.js'
import { pxelinuxQuote, pxelinuxQuoteList } from '../../../src/render/pxe/pxelinux-quote.js'
import { nginxQuote } from '../../../src/render/pxe/nginx-quote.js'
import { kernelWordProblem, kernelCmdlineProblem } from '../../../src/render/pxe/kernel-cmdline.js'
import { UnquotableValueError } from '../../../src/render/script/shell-quote.js'
import { grubCommands, ipxeLine, pxelinuxConfig, nginxToken } from './loader-models.js'

const isUnquotable = (e: unknown): boolean => e instanceof UnquotableValueError

const grubCases: [string, string][] = [
  ['casper/vmlinuz', 'casper/vmlinuz'],
  ['52:54:00:20:30:10', '52:54:00:20:30:10'],
  ['ds=nocloud-net;s=http://h/x/', `'ds=nocloud-net;s=http://h/x/'`],
  ['a b', `'a b'`],
  ['$x', `'$x'`],
  ["it's", `'it'\\''s'`],
  ['', `''`],
  ['#x', `'#x'`],
  ['a*b', `'a*b'`],
  ['{}', `'{}'`],
  ['x&&y|z<a>b', `'x&&y|z<a>b'`],
  ['back\\slash', `'back\\slash'`],
]

test('grubQuote: table', () => {
  for (const [input, expected] of grubCases) assert.is(grubQuote(input), expected, input)
  assert.is(grubQuoteList(['linux', 'a b', 'c']), `linux 'a b' c`)
  assert.throws(() => grubQuote('a\nb'), isUnquotable)
  assert.throws(() => grubQuote('a\u0000b'), isUnquotable)
})

// Every printable ASCII character, plus some that are special somewhere, in random words.
const ALPHABET = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), 'é', '字', '\u00a0']
function randomWords(seed: number, count: number): string[] {
  let x = seed
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x
  }
  return Array.from({ length: count }, () => Array.from({ length: next() % 12 }, () => ALPHABET[next() % ALPHABET.length]).join(''))
}

test('grubQuote: every word reads back through the GRUB lexer as exactly one word, unexpanded, unglobbed', () => {
  const vars = { x: 'EXPANDED', net_default_mac: 'EXPANDED' }
  for (const word of [...grubCases.map((c) => c[0]), ...randomWords(7, 3000)]) {
    const commands = grubCommands(`echo ${grubQuote(word)}\n`, vars)
    assert.is(commands.length, 1, JSON.stringify(word))
    const [, ...args] = commands[0]!
    assert.is(args.length, 1, JSON.stringify(word))
    assert.is(args[0]!.text, word)
    assert.not.ok(args[0]!.expanded, `expanded: ${JSON.stringify(word)}`)
    assert.not.ok(args[0]!.globbed, `globbed: ${JSON.stringify(word)}`)
  }
})

test('the GRUB lexer model splits, expands and comments the way the manual says (so it can catch bad quoting)', () => {
  const words = (s: string): string[] => grubCommands(s, { v: 'V W' }).map((c) => c.map((w) => w.text).join('|')).flat()
  assert.equal(words('a b;c'), ['a|b', 'c'])
  assert.equal(words(`a 'b;c' "d$v" e\\;f`), ['a|b;c|dV W|e;f'])
  assert.equal(words('a # comment\nb'), ['a', 'b'])
  assert.equal(words('a#b'), ['a#b'])
  assert.equal(words(`"\\$v" '\\$v'`), ['$v|\\$v'])
  assert.ok(grubCommands('x a*')[0]![1]!.globbed)
  assert.throws(() => grubCommands("x 'open"))
})

test('ipxeQuote: passes plain tokens, refuses what iPXE would split, end, comment or expand', () => {
  assert.is(ipxeQuote('ds=nocloud-net;s=http://h/x/'), 'ds=nocloud-net;s=http://h/x/')
  assert.is(ipxeQuote('a&b'), 'a&b')
  assert.is(ipxeQuote('$x'), '$x')
  for (const bad of ['', 'a b', 'a\tb', ';', '&&', '||', '#x', '${x}', 'a${net0/mac}', '-n', 'a\nb']) {
    assert.throws(() => ipxeQuote(bad), isUnquotable, JSON.stringify(bad))
  }
})

test('ipxeQuote: whatever it accepts reads back through the iPXE line model as exactly that argument', () => {
  let accepted = 0
  for (const word of randomWords(11, 3000)) {
    let written: string
    try {
      written = ipxeQuote(word)
    } catch (e) {
      assert.ok(isUnquotable(e), String(e))
      continue
    }
    accepted++
    const commands = ipxeLine(`echo ${written} x`, { x: 'EXPANDED', 'net0/mac': 'EXPANDED' })
    assert.is(commands.length, 1, JSON.stringify(word))
    assert.equal(commands[0]!.argv, ['echo', word, 'x'])
    assert.not.ok(commands[0]!.expanded, JSON.stringify(word))
  }
  assert.ok(accepted > 500, `only ${accepted} random words accepted`)
})

test('the iPXE line model: terminators are whole tokens, # starts a comment, ${} expands', () => {
  assert.equal(ipxeLine('a b;c ; d').map((c) => c.argv), [['a', 'b;c'], ['d']])
  assert.equal(ipxeLine('iseq ${m} 1 && chain x ||', { m: '1' }).map((c) => c.argv), [['iseq', '1', '1'], ['chain', 'x']])
  assert.equal(ipxeLine('echo a #b c').map((c) => c.argv), [['echo', 'a']])
  assert.equal(ipxeLine('echo a#b').map((c) => c.argv), [['echo', 'a#b']])
})

test('pxelinuxQuote: words as they are; whitespace, control characters and a lone "-" refused', () => {
  assert.is(pxelinuxQuote('ds=nocloud-net;s=http://h/x/'), 'ds=nocloud-net;s=http://h/x/')
  assert.is(pxelinuxQuote("a'b\"c"), "a'b\"c")
  for (const bad of ['', 'a b', 'a\nb', 'a\rb', 'a\u0000']) assert.throws(() => pxelinuxQuote(bad), isUnquotable, JSON.stringify(bad))
  assert.throws(() => pxelinuxQuoteList(['-']), isUnquotable)
  const words = ['root=/dev/ram0', 'ds=nocloud-net;s=http://h/x/']
  const cfg = pxelinuxConfig(`LABEL l\n  KERNEL k\n  APPEND ${pxelinuxQuoteList(words)}\n`)
  assert.is(cfg.labels[0]!.append, words.join(' '))
})

test('nginxQuote: reads back through the nginx token model; "$" and control characters refused', () => {
  for (const word of ['/srv/out', '/srv/my out', 'a"b', 'a\\b', 'a\\tb', "it's", 'x;y{z}#', '/seeds/(a)&b/', '']) {
    assert.is(nginxToken(nginxQuote(word)), word, JSON.stringify(word))
  }
  for (const word of randomWords(13, 2000)) {
    if (word.includes('$')) assert.throws(() => nginxQuote(word), isUnquotable)
    else assert.is(nginxToken(nginxQuote(word)), word, JSON.stringify(word))
  }
  assert.throws(() => nginxQuote('a\nb'), isUnquotable)
})

test('kernel command line words: printable ASCII, no quotes or backslashes, at most 2047 bytes in all', () => {
  assert.is(kernelWordProblem('ds=nocloud-net;s=http://h/x/'), null)
  for (const bad of ['', 'a b', "a'b", 'a"b', 'a\\b', 'é']) assert.type(kernelWordProblem(bad), 'string', JSON.stringify(bad))
  assert.is(kernelCmdlineProblem(['a', 'b']), null)
  assert.match(kernelCmdlineProblem(['x'.repeat(2048)]) ?? '', /2047/)
})

test.run()
