// Handlebars templates from templates/, compiled once per process with noEscape (we write shell, not HTML) and
// strict (a missing field is a bug, not an empty string). Values reach shell text only through q/qlist (shell
// quoting) or, inside comments, through `comment` (which refuses line breaks).
import Handlebars from 'handlebars'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { shellQuote, shellQuoteList } from './script/shell-quote.js'
import { packageRoot } from '../package-root.js'

const hb = Handlebars.create()
hb.registerHelper('q', (value: unknown) => {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`q: cannot shell-quote a ${value === null ? 'null' : typeof value}`)
  }
  return shellQuote(value)
})
// Frozen lists are shared by every node (the /etc/hosts block), so their quoted form is kept; others may change.
const quotedFrozenLists = new WeakMap<readonly unknown[], string>()
hb.registerHelper('qlist', (values: unknown) => {
  if (!Array.isArray(values)) throw new TypeError('qlist: expects a list')
  if (!Object.isFrozen(values)) return shellQuoteList(values as (string | number)[])
  let quoted = quotedFrozenLists.get(values)
  if (quoted === undefined) {
    quoted = shellQuoteList(values as (string | number)[])
    quotedFrozenLists.set(values, quoted)
  }
  return quoted
})
// `{{#if (eq a b)}}`: render only the branch a node uses (a method chosen at render time), not a runtime test.
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b)
// Text inside a shell comment: anything printable; a line break would end the comment and start code, so refuse it.
hb.registerHelper('comment', (value: unknown) => {
  const text = String(value)
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new TypeError(`comment: control character in ${JSON.stringify(text)}`)
  return text
})

const cache = new Map<string, Handlebars.TemplateDelegate>()
let partialsLoaded = false

function templatesDir(): string {
  return join(packageRoot(), 'templates')
}

// Every .sh.hbs file under templates/script is also a partial named by its path: `lib`, `steps/user`.
function loadPartials(): void {
  if (partialsLoaded) return
  const base = join(templatesDir(), 'script')
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(base, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(relPath)
      else if (entry.name.endsWith('.sh.hbs')) {
        const source = readFileSync(join(base, relPath), 'utf8')
        hb.registerPartial(relPath.slice(0, -'.sh.hbs'.length), hb.compile(source, { noEscape: true, strict: true }))
      }
    }
  }
  walk('')
  partialsLoaded = true
}

/** Renders templates/<relPath> with the given context. */
export function renderTemplate(relPath: string, context: object): string {
  loadPartials()
  let tpl = cache.get(relPath)
  if (!tpl) {
    tpl = hb.compile(readFileSync(join(templatesDir(), relPath), 'utf8'), { noEscape: true, strict: true })
    cache.set(relPath, tpl)
  }
  return tpl(context)
}
