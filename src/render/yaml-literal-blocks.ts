// Long multi-line strings (the scripts inside write_files, up to hundreds of KiB each for large clusters) dumped
// as YAML literal blocks without js-yaml's per-character style analysis, which took most of a large render.
// Each such string is swapped for a short stand-in of the same shape (same leading-space rule, same trailing
// newlines, so js-yaml gives it the same block header and indentation), js-yaml dumps the document, and each
// stand-in's lines are replaced by the real text indented the same way (js-yaml's indentString: every non-empty
// line gets the indent, the final newline is dropped). Only strings js-yaml would certainly write as a literal
// block take this path; the output is byte for byte what js-yaml alone writes (test/render/yaml-dump.test.ts).
// Long base64 strings (the gz+b64 script of the autoinstall user-data, ~18 KiB on one line) are swapped the same
// way: js-yaml writes them as plain scalars, after looking at every character.
import { randomBytes } from 'node:crypto'

/** Shorter strings are left to js-yaml: the saving would not pay for the swap. */
export const MIN_SWAP_LENGTH = 64

// Printable ASCII, line feeds, and printable non-ASCII other than what js-yaml quotes (C1 controls and NBSP,
// U+2028/2029, the BOM, U+FFFE/FFFF) or lets through only as pairs (astral characters): a string with any other
// character (tabs, CR, control characters) goes the slow way.
const NOT_LITERAL_SAFE = /[^\x20-\x7e\n\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/
// A line starting with a document marker is refused in some positions; leave such strings to js-yaml.
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=$|[ \t\n\r])/m

// The same script goes into both user-data documents of a node, with the unit file in between: the verdicts on
// the last few multi-line strings are kept.
const recent: Array<{ text: string; verdict: boolean }> = []

export function takesLiteralFastPath(s: string): boolean {
  if (s.length < MIN_SWAP_LENGTH || !s.includes('\n')) return false
  const hit = recent.find((r) => r.text === s)
  if (hit) return hit.verdict
  const verdict = /\S/.test(s) && !NOT_LITERAL_SAFE.test(s) && !DOCUMENT_MARKER.test(s)
  recent.unshift({ text: s, verdict })
  if (recent.length > 4) recent.pop()
  return verdict
}

// Base64 (RFC 4648 alphabet, with padding) with a character that no int, float, bool or null of YAML 1.1 holds (so
// js-yaml finds no implicit type to quote it from): js-yaml writes it as a plain scalar, as is, on one line.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const NOT_NUMERIC = /[G-Zg-np-wyz/]/

export function takesPlainFastPath(s: string): boolean {
  return s.length >= MIN_SWAP_LENGTH && BASE64.test(s) && NOT_NUMERIC.test(s)
}

/** js-yaml's indentString followed by its dropEndingNewline. */
export function indentBlock(text: string, indent: number): string {
  const pad = ' '.repeat(indent)
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) if (lines[i] !== '') lines[i] = pad + lines[i]
  const out = lines.join('\n')
  return out.endsWith('\n') ? out.slice(0, -1) : out
}

interface Swap {
  token: string
  /** Written as a literal block, or as a plain scalar. */
  plain: boolean
  standIn: string
  /** The stand-in's first line starts with a space (it needs an indentation indicator, like the original). */
  leadingSpace: boolean
  text: string
}

// Differs per process, so inputs cannot be made to contain it; it never reaches the output, and swapIn checks
// that each stand-in is found exactly as js-yaml wrote it.
const nonce = randomBytes(8).toString('hex')

function standInFor(text: string, token: string): { standIn: string; leadingSpace: boolean } {
  const leadingSpace = /^\n* /.test(text)
  const tail = text.endsWith('\n\n') ? '\n\n' : text.endsWith('\n') ? '\n' : ''
  return { standIn: `${leadingSpace ? ' ' : ''}${token}\n${token}${tail}`, leadingSpace }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/** A copy of `value` with every long literal-safe string (as a mapping value or list item) replaced by a stand-in. */
function swapOut(value: unknown, swaps: Swap[]): unknown {
  if (typeof value === 'string') {
    if (takesPlainFastPath(value)) {
      // Base64 itself, with letters that keep it from reading as a number.
      const token = `baiSeedPlain${swaps.length}x${nonce}`
      swaps.push({ token, plain: true, standIn: token, leadingSpace: false, text: value })
      return token
    }
    if (!takesLiteralFastPath(value)) return value
    const token = `bai-seed-block-${swaps.length}-${nonce}`
    const { standIn, leadingSpace } = standInFor(value, token)
    swaps.push({ token, plain: false, standIn, leadingSpace, text: value })
    return standIn
  }
  if (Array.isArray(value)) return value.map((v) => swapOut(v, swaps))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = swapOut(v, swaps)
    return out
  }
  return value
}

/** Puts the real texts back; undefined when a stand-in is not where and how it was expected (then dump normally). */
function swapIn(yaml: string, swaps: Swap[]): string | undefined {
  const parts: string[] = []
  let cursor = 0
  for (const s of swaps) {
    const at = yaml.indexOf(`${s.token}\n`, cursor)
    if (at < 0) return undefined
    if (s.plain) {
      // `key: TOKEN` or `- TOKEN`, alone up to the end of its line.
      if (at <= cursor || yaml[at - 1] !== ' ') return undefined
      parts.push(yaml.slice(cursor, at), s.text)
      cursor = at + s.token.length
      continue
    }
    const lineStart = yaml.lastIndexOf('\n', at) + 1
    if (lineStart <= cursor) return undefined
    const indent = at - lineStart - (s.leadingSpace ? 1 : 0)
    if (indent < 1) return undefined
    const rendered = indentBlock(s.standIn, indent)
    if (!yaml.startsWith(rendered, lineStart)) return undefined
    parts.push(yaml.slice(cursor, lineStart), indentBlock(s.text, indent))
    cursor = lineStart + rendered.length
  }
  parts.push(yaml.slice(cursor))
  return parts.join('')
}

/** `dump(value)` of js-yaml with long literal blocks spliced in afterwards; same bytes, far less work. */
export function dumpWithLiteralBlocks(value: unknown, dump: (value: unknown) => string): string {
  const swaps: Swap[] = []
  const swapped = swapOut(value, swaps)
  if (swaps.length === 0) return dump(value)
  return swapIn(dump(swapped), swaps) ?? dump(value)
}
