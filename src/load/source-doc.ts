// A loaded YAML file that remembers where every key and value sits in its text.
import type { PathSegment } from '../diagnostics/diagnostic.js'
import type { Position } from './line-index.js'

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
