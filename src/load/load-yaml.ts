// YAML text -> SourceDoc, with every load problem as a diagnostic. js-yaml 5's event parser gives source offsets; the
// value itself is built by js-yaml's own constructor from the same events, so both always agree.
//
// Refused on purpose (each is reported, not thrown):
// - more than one document: an inventory or profile is one mapping; a stray `---` usually means two files were pasted.
// - duplicate keys: YAML forbids them; reported at the second key with where the first is (all of them, not only the
//   first as js-yaml would).
// - anchors, aliases and `<<` merge keys: an aliased value sits at two paths but has one position, so errors inside it
//   could not be placed; profiles with `extends:` cover the reuse they are meant for.
// - keys that are not scalars (`? [a, b]`).
// Tabs in indentation, bad indentation, unknown tags and the like are js-yaml's own errors (YAML_SYNTAX).
import { MAX_INVENTORY_BYTES, readInputFile } from './read-input.js'
import { constructFromEvents, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml'
import type { Diagnostic, PathSegment } from '../diagnostics/diagnostic.js'
import { formatPath } from '../diagnostics/diagnostic.js'
import { M } from '../diagnostics/messages.js'
import { LineIndex } from './line-index.js'
import { createSourceDoc } from './create-source-doc.js'
import type { PosNode, SourceDoc } from './source-doc.js'

// Event type ids (js-yaml EVENT_ID).
const DOCUMENT = 1
const SEQUENCE = 2
const MAPPING = 3
const SCALAR = 4
const ALIAS = 5
const POP = 6

const SINGLE_QUOTED = 2
const DOUBLE_QUOTED = 3
const LITERAL_BLOCK = 4
const FOLDED_BLOCK = 5

export interface LoadResult {
  /** Present when the text parsed (even if it had duplicate keys, aliases, ...); absent on syntax errors. */
  doc?: SourceDoc
  diagnostics: Diagnostic[]
}

/** `limit`: the most bytes the file may have and what it is, for the message (an inventory by default). */
export function loadYamlFile(file: string, limit: { maxBytes: number; what: string } = { maxBytes: MAX_INVENTORY_BYTES, what: 'an inventory' }): LoadResult {
  const read = readInputFile(file, limit.maxBytes, limit.what)
  if (!read.ok) {
    const code = read.code === 'FILE_NOT_FOUND' ? 'FILE_READ' : read.code
    const message = read.code === 'FILE_NOT_FOUND' ? M.fileNotFound : read.message
    return { diagnostics: [diag(file, read.line, read.col, code, [], message)] }
  }
  return loadYamlText(file, read.text)
}

export function loadYamlText(file: string, input: string): LoadResult {
  // A byte-order mark is not content; dropping it keeps columns on the first line right.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const lines = new LineIndex(text)
  const at = (offset: number, code: string, path: PathSegment[], message: string): Diagnostic => {
    const p = lines.position(offset)
    return diag(file, p.line, p.col, code, path, message)
  }

  let events: Event[]
  try {
    events = parseEvents(text, { filename: file })
  } catch (e) {
    return { diagnostics: [yamlError(e, at, text)] }
  }

  const diagnostics: Diagnostic[] = []
  const builder = new TreeBuilder(text, events, lines, at, diagnostics)
  const root = builder.documents()
  // js-yaml's object maps cannot hold complex keys: there is no value to build.
  if (diagnostics.some((d) => d.code === 'YAML_COMPLEX_KEY')) return { diagnostics }

  let value: unknown = null
  try {
    // json: true lets later duplicates win instead of throwing; they are already reported above.
    const docs = constructFromEvents(events, { source: text, filename: file, json: true })
    value = docs.length > 0 ? docs[0] : null
  } catch (e) {
    diagnostics.push(yamlError(e, at, text))
    return { diagnostics }
  }
  return { doc: createSourceDoc(file, text, value, root), diagnostics }
}

function diag(file: string, line: number, col: number, code: string, path: PathSegment[], message: string): Diagnostic {
  return { file, line, col, code, path: formatPath(path), message, severity: 'error' }
}

function yamlError(
  e: unknown,
  at: (offset: number, code: string, path: PathSegment[], message: string) => Diagnostic,
  text = '',
): Diagnostic {
  const err = e as { reason?: string; mark?: { position?: number }; message?: string }
  const reason = err.reason ?? err.message ?? String(e)
  const position = err.mark?.position ?? 0
  const cause = likelyCause(text, position)
  if (cause) return at(cause.offset, 'YAML_SYNTAX', [], cause.message)
  return at(position, 'YAML_SYNTAX', [], M.yamlSyntax(reason))
}

/**
 * js-yaml names what it could not parse ("deficient indentation"), often a line after the slip. The usual slips, found
 * on the error's line or the two before it: a tab, `key:value` without a space, a `[` or `{` never closed.
 */
function likelyCause(text: string, position: number): { offset: number; message: string } | undefined {
  if (!text) return undefined
  const errorLineStart = text.lastIndexOf('\n', Math.max(0, position - 1)) + 1
  let start = errorLineStart
  for (let n = 0; n < 2 && start > 0; n++) start = text.lastIndexOf('\n', start - 2) + 1
  const end = text.indexOf('\n', position)
  const region = text.slice(start, end === -1 ? text.length : end)
  let offset = start
  for (const line of region.split('\n')) {
    const code = line.replace(/\s+#.*$/, '')
    const tab = /^[ \t]*\t|^[ \t]*(?:- )?[^\s#'"][^:#]*:\t/.exec(code)
    if (tab) return { offset: offset + code.indexOf('\t'), message: M.yamlTab }
    const noSpace = /^\s*(?:- )?([A-Za-z_][\w.-]*):(?![\s/]|$)/.exec(code)
    if (noSpace) return { offset: offset + code.indexOf(noSpace[1]!), message: M.yamlNoSpace(noSpace[1]!) }
    const unquoted = code.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, (s) => ' '.repeat(s.length))
    for (const [open, close] of [['[', ']'], ['{', '}']] as const) {
      let depth = 0
      let first = -1
      for (let i = 0; i < unquoted.length; i++) {
        if (unquoted[i] === open && depth++ === 0) first = i
        else if (unquoted[i] === close && depth > 0) depth--
      }
      if (depth > 0 && offset < errorLineStart + 1) return { offset: offset + first, message: M.yamlUnclosed(open, close) }
    }
    offset += line.length + 1
  }
  return undefined
}

/** Walks the event stream once, building the position tree and reporting what this loader refuses. */
class TreeBuilder {
  private i = 0

  constructor(
    private readonly text: string,
    private readonly events: Event[],
    private readonly lines: LineIndex,
    private readonly at: (offset: number, code: string, path: PathSegment[], message: string) => Diagnostic,
    private readonly out: Diagnostic[],
  ) {}

  documents(): PosNode | undefined {
    let root: PosNode | undefined
    let count = 0
    let firstEnd = 0
    while (this.i < this.events.length) {
      const e = this.events[this.i++]!
      if (e.type !== DOCUMENT) continue
      count++
      const node = this.node(0, [])
      this.i++ // document POP
      if (count === 1) {
        root = node
        firstEnd = this.maxOffsetBefore(this.i)
      } else if (count === 2) {
        this.out.push(this.at(this.secondDocumentStart(firstEnd, node.start), 'YAML_MULTI_DOC', [], M.yamlMultiDoc))
      }
    }
    return root
  }

  private node(fallback: number, path: PathSegment[]): PosNode {
    const e = this.events[this.i++]!
    if (e.type === ALIAS) {
      this.out.push(this.at(e.anchorStart - 1, 'YAML_ALIAS', path, M.yamlAlias))
      return { start: e.anchorStart - 1 }
    }
    if (e.type !== SCALAR && e.type !== SEQUENCE && e.type !== MAPPING) return { start: fallback }
    if (e.anchorStart >= 0) this.out.push(this.at(e.anchorStart - 1, 'YAML_ALIAS', path, M.yamlAnchor))

    if (e.type === SCALAR) return this.scalar(e, fallback)
    const start = e.tagStart >= 0 ? e.tagStart : e.start
    if (e.type === SEQUENCE) {
      const items: PosNode[] = []
      while (this.events[this.i]!.type !== POP) items.push(this.node(start, [...path, items.length]))
      this.i++
      return { start, items }
    }
    const keys = new Map<string, { keyStart: number; node: PosNode }>()
    while (this.events[this.i]!.type !== POP) {
      const k = this.events[this.i]!
      if (k.type !== SCALAR) {
        const bad = this.node(start, path)
        this.out.push(this.at(bad.start, 'YAML_COMPLEX_KEY', path, M.yamlComplexKey))
        this.node(bad.start, path)
        continue
      }
      this.i++
      const keyNode = this.scalar(k, start)
      const key = getScalarValue(this.text, k)
      const keyPath = [...path, key]
      if (key === '<<' && k.style === 1) this.out.push(this.at(keyNode.start, 'YAML_MERGE_KEY', keyPath, M.yamlMergeKey))
      const value = this.node(keyNode.start, keyPath)
      const first = keys.get(key)
      if (first) {
        const p = this.lines.position(first.keyStart)
        this.out.push(this.at(keyNode.start, 'YAML_DUPLICATE_KEY', keyPath, M.yamlDuplicateKey(key, p.line, p.col)))
      }
      keys.set(key, { keyStart: keyNode.start, node: value })
    }
    this.i++
    return { start, keys }
  }

  private scalar(e: ScalarEvent, fallback: number): PosNode {
    if (e.tagStart >= 0) return { start: e.tagStart, end: e.valueEnd >= 0 ? e.valueEnd : e.tagEnd }
    if (e.valueStart < 0) return { start: fallback }
    switch (e.style) {
      case SINGLE_QUOTED:
      case DOUBLE_QUOTED:
        return { start: e.valueStart - 1, end: e.valueEnd + 1 }
      case LITERAL_BLOCK:
      case FOLDED_BLOCK:
        return { start: this.blockIndicator(e.valueStart), end: e.valueEnd }
      default:
        return { start: e.valueStart, end: e.valueEnd }
    }
  }

  // A block scalar's event starts at its content; the `|` or `>` that opens it is the last indicator before that
  // (possibly followed by chomping/indent indicators and a comment). Look back a bounded stretch only.
  private blockIndicator(contentStart: number): number {
    const from = Math.max(0, contentStart - 4096)
    const re = /[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\r?\n/g
    re.lastIndex = from
    let found = -1
    const head = this.text.slice(0, contentStart)
    for (let m = re.exec(head); m; m = re.exec(head)) found = m.index
    return found >= 0 ? found : contentStart
  }

  private maxOffsetBefore(end: number): number {
    let max = 0
    for (let j = 0; j < end; j++) {
      const e = this.events[j]!
      if (e.type === SCALAR) max = Math.max(max, e.valueEnd)
      else if (e.type === MAPPING || e.type === SEQUENCE) max = Math.max(max, e.start)
    }
    return max
  }

  // The `---` line that opens the second document, else the start of its content.
  private secondDocumentStart(afterFirst: number, contentStart: number): number {
    const re = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm
    re.lastIndex = afterFirst
    let m: RegExpExecArray | null
    let last = -1
    while ((m = re.exec(this.text))) {
      if (m[1] === '---') {
        last = m.index
        break
      }
    }
    return last >= 0 ? last : Math.max(contentStart, afterFirst)
  }
}
