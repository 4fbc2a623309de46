// Handlebars for templates/pxe/, compiled once with noEscape and strict like every template. Each boot loader gets
// its own Handlebars instance that knows only its own quoting helper, so a GRUB template cannot use iPXE or shell
// quoting by mistake: {{grub x}} / {{grubList xs}} in *.grub.hbs, {{ipxe x}} / {{ipxeList xs}} in *.ipxe.hbs,
// {{pxelinux x}} / {{pxelinuxList xs}} in *.pxelinux.hbs, {{nginx x}} in *.nginx.hbs. Every instance also has
// {{comment x}} for text after a '#', which refuses line breaks.
import Handlebars from 'handlebars'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../package-root.js'
import { grubQuote, grubQuoteList } from './grub-quote.js'
import { ipxeQuote, ipxeQuoteList } from './ipxe-quote.js'
import { pxelinuxQuote, pxelinuxQuoteList } from './pxelinux-quote.js'
import { nginxQuote } from './nginx-quote.js'
import { UnquotableValueError } from '../script/shell-quote.js'

export type Loader = 'grub' | 'ipxe' | 'pxelinux' | 'nginx'

type Quote = (value: string | number) => string
type QuoteList = (values: readonly (string | number)[]) => string

const quoting: Record<Loader, { one: Quote; list?: QuoteList }> = {
  grub: { one: grubQuote, list: grubQuoteList },
  ipxe: { one: ipxeQuote, list: ipxeQuoteList },
  pxelinux: { one: pxelinuxQuote, list: pxelinuxQuoteList },
  nginx: { one: nginxQuote },
}

function scalar(helper: string, value: unknown): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value
  throw new TypeError(`${helper}: cannot quote a ${value === null ? 'null' : typeof value}`)
}

function comment(value: unknown): string {
  const text = String(scalar('comment', value))
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new UnquotableValueError(`comment: control character in ${JSON.stringify(text)}`)
  return text
}

function templatesDir(): string {
  return join(packageRoot(), 'templates', 'pxe')
}

const instances = new Map<Loader, { hb: typeof Handlebars; cache: Map<string, Handlebars.TemplateDelegate> }>()

function instance(loader: Loader): { hb: typeof Handlebars; cache: Map<string, Handlebars.TemplateDelegate> } {
  let found = instances.get(loader)
  if (found) return found
  const hb = Handlebars.create()
  const q = quoting[loader]
  hb.registerHelper(loader, (value: unknown) => q.one(scalar(loader, value)))
  if (q.list) {
    const list = q.list
    hb.registerHelper(`${loader}List`, (values: unknown) => {
      if (!Array.isArray(values)) throw new TypeError(`${loader}List: expects a list`)
      return list(values.map((v) => scalar(`${loader}List`, v)))
    })
  }
  hb.registerHelper('comment', comment)
  // Partials: templates/pxe/<name>.<loader>.partial.hbs, used as {{> name}}.
  const suffix = `.${loader}.partial.hbs`
  for (const file of readdirSync(templatesDir()).sort()) {
    if (file.endsWith(suffix)) {
      const source = readFileSync(join(templatesDir(), file), 'utf8')
      hb.registerPartial(file.slice(0, -suffix.length), hb.compile(source, { noEscape: true, strict: true }))
    }
  }
  found = { hb, cache: new Map() }
  instances.set(loader, found)
  return found
}

/** Renders templates/pxe/<name>.<loader>.hbs. */
export function renderPxeTemplate(loader: Loader, name: string, context: object): string {
  const { hb, cache } = instance(loader)
  let tpl = cache.get(name)
  if (!tpl) {
    const source = readFileSync(join(templatesDir(), `${name}.${loader}.hbs`), 'utf8')
    tpl = hb.compile(source, { noEscape: true, strict: true })
    cache.set(name, tpl)
  }
  return tpl(context)
}
