// The compact copy of provision.sh that the user-data files embed (gz+b64): the same script without its comment
// lines, blank lines and indentation, so that the compressed user-data fits the 16 KiB EC2 takes. provision.sh
// beside it stays as rendered, for people to read. Deterministic, and it never changes what bash runs: a line is
// only touched where bash is reading commands (not inside quotes, a here-document body, or after a backslash
// that joins it to the line before), which a small lexer of bash's quoting rules tracks from line to line. The
// tests check the result with `bash -n`, shellcheck, and that bash prints the same functions for both copies.

/** What the lexer is inside of: commands (at top level or in $( ), `${ }`), or a quoted string. */
type Context = 'code' | 'subst' | 'brace' | 'dq' | 'sq' | 'ansi' | 'backtick'

interface LineEnd {
  /** Contexts open at the end of the line (the last one is the innermost). */
  stack: Context[]
  /** Here-documents started on the line: their delimiters, and whether leading tabs are stripped (<<-). */
  heredocs: { word: string; tabs: boolean }[]
  /** The line ends with a backslash that joins the next line to it. */
  joined: boolean
}

const WORD_BREAK = new Set([' ', '\t', ';', '&', '|', '(', ')', '<', '>'])

/** A here-document's delimiter word after << or <<- at `i`: quotes removed. Returns the word and where it ends. */
function heredocWord(line: string, i: number): { word: string; end: number } {
  while (line[i] === ' ' || line[i] === '\t') i++
  let word = ''
  while (i < line.length && !WORD_BREAK.has(line[i]!)) {
    const c = line[i]!
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1)
      if (close < 0) throw new Error(`compact-script: unterminated quote in a here-document delimiter: ${line}`)
      word += line.slice(i + 1, close)
      i = close + 1
    } else if (c === '\\') {
      word += line[i + 1] ?? ''
      i += 2
    } else {
      word += c
      i++
    }
  }
  if (word === '') throw new Error(`compact-script: here-document without a delimiter: ${line}`)
  return { word, end: i }
}

// Per context, the characters the loop below does anything with; it jumps over the rest (most of every line), which
// made this lexer ten times faster than stepping through each character (it took a tenth of a large render).
const MEANINGFUL: Record<Context, RegExp> = {
  code: /[\\$`"'#<]/g,
  subst: /[\\$`"'#()<]/g,
  backtick: /[\\$`"'#]/g,
  brace: /[\\$`"'}]/g,
  dq: /[\\$`"]/g,
  sq: /'/g,
  ansi: /[\\']/g,
}

/** Scans one line starting inside `stack` (changed in place); `(` depth is kept per command context. */
function scanLine(line: string, stack: Context[], depth: number[]): LineEnd {
  const heredocs: LineEnd['heredocs'] = []
  let joined = false
  let i = 0
  while (i < line.length) {
    const ctx = stack[stack.length - 1]!
    const skip = MEANINGFUL[ctx]
    skip.lastIndex = i
    const found = skip.exec(line)
    if (!found) break
    i = found.index
    const c = line[i]!
    const next = line[i + 1]
    if (ctx === 'sq') {
      if (c === "'") stack.pop()
      i++
      continue
    }
    if (c === '\\') {
      if (i === line.length - 1) joined = true
      i += 2
      continue
    }
    if (ctx === 'ansi') {
      if (c === "'") stack.pop()
      i++
      continue
    }
    if (c === '$' && next === '(') {
      stack.push('subst')
      depth.push(0)
      i += 2
      continue
    }
    if (c === '$' && next === '{') {
      stack.push('brace')
      i += 2
      continue
    }
    if (c === '$' && next === "'" && ctx !== 'dq') {
      stack.push('ansi')
      i += 2
      continue
    }
    if (c === '`') {
      if (ctx === 'backtick') stack.pop()
      else stack.push('backtick')
      i++
      continue
    }
    if (c === '"') {
      if (ctx === 'dq') stack.pop()
      else stack.push('dq')
      i++
      continue
    }
    if (ctx === 'dq') {
      i++
      continue
    }
    if (c === "'") {
      stack.push('sq')
      i++
      continue
    }
    if (ctx === 'brace') {
      if (c === '}') stack.pop()
      i++
      continue
    }
    // Commands (top level, $( ) or backticks).
    if (c === '#' && (i === 0 || WORD_BREAK.has(line[i - 1]!))) break
    if (c === '(' && ctx === 'subst') depth[depth.length - 1]!++
    if (c === ')' && ctx === 'subst') {
      if (depth[depth.length - 1] === 0) {
        depth.pop()
        stack.pop()
      } else depth[depth.length - 1]!--
    }
    if (c === '<' && next === '<' && (ctx === 'code' || ctx === 'subst')) {
      if (line[i + 2] === '<') {
        i += 3
        continue
      }
      const tabs = line[i + 2] === '-'
      const { word, end } = heredocWord(line, i + (tabs ? 3 : 2))
      heredocs.push({ word, tabs })
      i = end
      continue
    }
    i++
  }
  return { stack, heredocs, joined }
}

/** provision.sh without comment lines, blank lines and indentation where bash reads commands; see above. */
export function compactScript(script: string): string {
  const newlineAtEnd = script.endsWith('\n')
  const lines = (newlineAtEnd ? script.slice(0, -1) : script).split('\n')
  const out: string[] = []
  const stack: Context[] = ['code']
  const depth: number[] = []
  let joined = false
  let pending: LineEnd['heredocs'] = []
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!
    if (pending.length > 0) {
      // A here-document body, copied as it is, up to its delimiter line.
      out.push(line)
      const doc = pending[0]!
      if ((doc.tabs ? line.replace(/^\t+/, '') : line) === doc.word) pending.shift()
      continue
    }
    const atCommandStart = !joined && stack.length === 1 && stack[0] === 'code'
    const end = scanLine(line, stack, depth)
    if (n === 0 && line.startsWith('#!')) out.push(line)
    else if (!atCommandStart) out.push(line)
    else {
      const first = line.charCodeAt(0)
      const trimmed = first === 32 || first === 9 ? line.replace(/^[ \t]+/, '') : line
      // A line that is only a comment or blank, where bash reads a new command, is dropped; shellcheck directives
      // stay, so that the compact copy is checked as the script is.
      if (trimmed !== '' && (!trimmed.startsWith('#') || /^# shellcheck /.test(trimmed))) out.push(trimmed)
    }
    joined = end.joined
    pending = end.heredocs
  }
  if (pending.length > 0) throw new Error(`compact-script: here-document ${pending[0]!.word} is never closed`)
  if (stack.length !== 1) throw new Error(`compact-script: the script ends inside ${stack[stack.length - 1]}`)
  return out.join('\n') + (newlineAtEnd ? '\n' : '')
}
