// Offsets into a source text -> 1-based line and column. Columns count Unicode code points, so a caret printed under
// a line with non-ASCII text lands on the right character.

export interface Position {
  line: number
  col: number
}

export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1)
  }

  /** Position of a UTF-16 offset; offsets past the end clamp to the end of the text. */
  position(offset: number): Position {
    const off = Math.max(0, Math.min(offset, this.text.length))
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= off) lo = mid
      else hi = mid - 1
    }
    const lineStart = this.starts[lo]!
    let col = 1
    for (let i = lineStart; i < off; i++) {
      const c = this.text.charCodeAt(i)
      // The second half of a surrogate pair does not start a new character.
      if (c < 0xdc00 || c > 0xdfff) col++
    }
    return { line: lo + 1, col }
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1]
    if (start === undefined) return ''
    const next = this.starts[line]
    const end = next === undefined ? this.text.length : next - 1
    return this.text.slice(start, end).replace(/\r$/, '')
  }
}
