// A loaded YAML file that remembers where every key and value sits in its text.
import type { PathSegment } from '../validate/diagnostic.js'
import { LineIndex, type Position } from './line-index.js'

/** Where one node of the YAML tree starts, and its children. Offsets are UTF-16 indexes into the text. */
export interface PosNode {
  /** Start of the node's own text (first key of a block mapping, `-` of a block sequence, quote of a quoted scalar). */
  start: number
  /** End of a scalar's text (exclusive), when the scalar is written out (not empty). */
  end?: number
  /** Mapping children by key, with the offset of the key itself. */
  keys?: Map<string, { keyStart: number; node: PosNode }>
  /** Sequence items. */
  items?: PosNode[]
}

export interface SourceDoc {
  file: string
  text: string
  value: unknown
  /**
   * Position of the key (`which: 'key'`) or value (default) at `path`. A sequence item has no key: both give the item.
   * For a path that does not exist, the position of the nearest existing parent's key.
   */
  locate(path: readonly PathSegment[], which?: 'key' | 'value'): Position
  /** Whether `path` exists in the YAML tree. */
  has(path: readonly PathSegment[]): boolean
  /** The source text of the scalar at `path` as written (quotes included), or undefined if there is none. */
  raw(path: readonly PathSegment[]): string | undefined
  /** Text of a 1-based line, for excerpts. */
  lineText(line: number): string
}

interface Found {
  node: PosNode
  keyStart: number
}

export function createSourceDoc(
  file: string,
  text: string,
  value: unknown,
  root: PosNode | undefined,
): SourceDoc {
  const lines = new LineIndex(text)

  // Walks as far down `path` as the tree goes; `complete` says whether it reached the end.
  function walk(path: readonly PathSegment[]): { found: Found | undefined; complete: boolean } {
    if (!root) return { found: undefined, complete: path.length === 0 }
    let cur: Found = { node: root, keyStart: root.start }
    for (const seg of path) {
      let next: Found | undefined
      if (typeof seg === 'number') {
        const item = cur.node.items?.[seg]
        if (item) next = { node: item, keyStart: item.start }
      } else {
        const entry = cur.node.keys?.get(seg)
        if (entry) next = { node: entry.node, keyStart: entry.keyStart }
      }
      if (!next) return { found: cur, complete: false }
      cur = next
    }
    return { found: cur, complete: true }
  }

  return {
    file,
    text,
    value,
    locate(path, which = 'value') {
      const { found, complete } = walk(path)
      if (!found) return { line: 1, col: 1 }
      const offset = complete && which === 'value' ? found.node.start : found.keyStart
      return lines.position(offset)
    },
    has(path) {
      return walk(path).complete && root !== undefined
    },
    raw(path) {
      const { found, complete } = walk(path)
      if (!found || !complete || found.node.end === undefined) return undefined
      return text.slice(found.node.start, found.node.end)
    },
    lineText(line) {
      return lines.lineText(line)
    },
  }
}
