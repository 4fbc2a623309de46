// Builds a SourceDoc from the text, its value and the position tree (see load-yaml.ts).
import type { PathSegment } from '../diagnostics/diagnostic.js'
import { LineIndex } from './line-index.js'
import type { PosNode, SourceDoc } from './source-doc.js'

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
