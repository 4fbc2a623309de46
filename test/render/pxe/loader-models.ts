// Independent models of how each boot loader reads its configuration and what command line the kernel gets,
// written from the loaders' documentation and sources (not from our quoting helpers), so that tests can check
// that an argument survives the trip: config file -> loader lexer -> kernel command line -> kernel / cloud-init.

// ---------------------------------------------------------------------------------------------------------------
// GRUB 2 (GRUB manual, "Shell-like scripting"; grub-core/lib/cmdline.c)

export interface GrubWord {
  text: string
  /** A $variable was expanded in this word. */
  expanded: boolean
  /** An unquoted * ? or [ that GRUB's wildcard expansion would act on. */
  globbed: boolean
}

const GRUB_METACHARS = new Set([' ', '\t', '\n', '{', '}', '|', '&', ';', '<', '>'])

/**
 * Splits a GRUB script into commands (at unquoted newlines and ';'), each a list of words after quote removal
 * and $variable expansion. `{` `}` `|` `&` `<` `>` come out as words of their own.
 */
export function grubCommands(script: string, vars: Record<string, string> = {}): GrubWord[][] {
  const commands: GrubWord[][] = []
  let words: GrubWord[] = []
  let cur: GrubWord | null = null
  const start = (): GrubWord => (cur ??= { text: '', expanded: false, globbed: false })
  const endWord = (): void => {
    if (cur) words.push(cur)
    cur = null
  }
  const endCommand = (): void => {
    endWord()
    if (words.length) commands.push(words)
    words = []
  }
  const variable = (i: number): [string, number] => {
    // i points after '$'
    if (script[i] === '{') {
      const close = script.indexOf('}', i)
      if (close < 0) throw new Error('GRUB: unterminated ${')
      return [vars[script.slice(i + 1, close)] ?? '', close + 1]
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9?#*@]/.exec(script.slice(i))
    if (!m) return ['$', i]
    return [vars[m[0]] ?? '', i + m[0].length]
  }
  let i = 0
  while (i < script.length) {
    const c = script[i]!
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        i += 2 // line continuation
        continue
      }
      if (i + 1 >= script.length) throw new Error('GRUB: backslash at end of input')
      start().text += script[i + 1]
      i += 2
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1)
      if (close < 0) throw new Error('GRUB: unterminated single quote')
      start().text += script.slice(i + 1, close)
      i = close + 1
    } else if (c === '"') {
      const w = start()
      i++
      for (;;) {
        if (i >= script.length) throw new Error('GRUB: unterminated double quote')
        const d = script[i]!
        if (d === '"') {
          i++
          break
        }
        if (d === '\\' && ['$', '"', '\\', '\n'].includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') w.text += script[i + 1]
          i += 2
        } else if (d === '$') {
          const [value, next] = variable(i + 1)
          if (next !== i + 1) w.expanded = true
          w.text += value
          i = next
        } else {
          w.text += d
          i++
        }
      }
    } else if (c === '$') {
      const [value, next] = variable(i + 1)
      const w = start()
      if (next !== i + 1) w.expanded = true
      w.text += value
      i = next
    } else if (c === '#' && cur === null) {
      while (i < script.length && script[i] !== '\n') i++
    } else if (c === '\n' || c === ';') {
      endCommand()
      i++
    } else if (GRUB_METACHARS.has(c)) {
      endWord()
      if (c !== ' ' && c !== '\t') words.push({ text: c, expanded: false, globbed: false })
      i++
    } else {
      const w = start()
      if (c === '*' || c === '?' || c === '[') w.globbed = true
      w.text += c
      i++
    }
  }
  endCommand()
  return commands
}

/** grub_create_loader_cmdline: arguments joined by spaces; \ ' " escaped with \; an argument with a space quoted. */
export function grubLoaderCmdline(args: readonly string[]): string {
  return args
    .map((a) => {
      const escaped = a.replace(/[\\'"]/g, (c) => `\\${c}`)
      return a.includes(' ') ? `"${escaped}"` : escaped
    })
    .join(' ')
}

// ---------------------------------------------------------------------------------------------------------------
// iPXE (src/core/exec.c: split_command, command_terminator; src/core/settings.c: expand_settings;
// src/hci/commands/image_cmd.c: kernel/imgexec options; concat_args joins the remaining arguments with spaces)

export interface IpxeCommand {
  argv: string[]
  /** A ${setting} was expanded in some argument. */
  expanded: boolean
}

function isIpxeSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

export function ipxeExpand(token: string, settings: Record<string, string>): { text: string; expanded: boolean } {
  let text = token
  let expanded = false
  for (;;) {
    let start = -1
    let end = -1
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '$' && text[i + 1] === '{') start = i
      if (start >= 0 && text[i] === '}') {
        end = i
        break
      }
    }
    if (end < 0) return { text, expanded }
    const name = text.slice(start + 2, end)
    text = text.slice(0, start) + (settings[name] ?? '') + text.slice(end + 1)
    expanded = true
  }
}

/** The commands of one script line, as executed when every command succeeds. */
export function ipxeLine(line: string, settings: Record<string, string> = {}): IpxeCommand[] {
  const tokens: string[] = []
  let cur = ''
  for (const c of line) {
    if (isIpxeSpace(c)) {
      if (cur) tokens.push(cur)
      cur = ''
    } else cur += c
  }
  if (cur) tokens.push(cur)
  const commands: IpxeCommand[] = []
  let argv: string[] = []
  let expanded = false
  const flush = (): void => {
    if (argv.length) commands.push({ argv, expanded })
    argv = []
    expanded = false
  }
  for (const t of tokens) {
    if (t.startsWith('#')) break
    if (t === '||' || t === '&&' || t === ';') {
      flush()
      continue
    }
    const e = ipxeExpand(t, settings)
    expanded ||= e.expanded
    argv.push(e.text)
  }
  flush()
  return commands
}

export function ipxeScript(script: string, settings: Record<string, string> = {}): IpxeCommand[] {
  return script.split('\n').flatMap((line) => ipxeLine(line, settings))
}

/** `kernel [--name N] [--timeout T] [--autofree] [--replace] URI [ARGS...]`: the image URI and its command line. */
export function ipxeImageCommand(argv: readonly string[]): { options: Record<string, string | true>; uri: string; cmdline: string } {
  const withValue = new Set(['--name', '-n', '--timeout', '-t'])
  const options: Record<string, string | true> = {}
  let i = 1
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const opt = argv[i]!
    if (withValue.has(opt)) {
      options[opt] = argv[i + 1] ?? ''
      i += 2
    } else {
      options[opt] = true
      i++
    }
  }
  const uri = argv[i]
  if (uri === undefined) throw new Error(`iPXE: ${argv[0]} without an image URI`)
  return { options, uri, cmdline: argv.slice(i + 1).join(' ') }
}

// ---------------------------------------------------------------------------------------------------------------
// PXELINUX (com32/elflink/ldlinux/readconfig.c: looking_at, parse_config_file, record)

export interface PxelinuxLabel {
  label: string
  kernel: string
  append: string
  initrd: string | null
}

export function pxelinuxConfig(text: string): { default: string | null; labels: PxelinuxLabel[] } {
  const labels: PxelinuxLabel[] = []
  let def: string | null = null
  let current: PxelinuxLabel | null = null
  const keyword = (line: string, kwd: string): string | null => {
    if (line.slice(0, kwd.length).toLowerCase() !== kwd) return null
    const rest = line.slice(kwd.length)
    if (rest !== '' && !/^[ \t]/.test(rest)) return null
    return rest.replace(/^[ \t]+/, '')
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r.*$/, '').replace(/^[ \t]+/, '')
    let rest: string | null
    if ((rest = keyword(line, 'label')) !== null) {
      const name = rest.split(/[ \t]/)[0]!
      current = { label: name, kernel: name, append: '', initrd: null }
      labels.push(current)
    } else if ((rest = keyword(line, 'kernel')) !== null || (rest = keyword(line, 'linux')) !== null) {
      if (current) current.kernel = rest
    } else if ((rest = keyword(line, 'append')) !== null) {
      if (current) current.append = rest === '-' ? '' : rest
    } else if ((rest = keyword(line, 'initrd')) !== null) {
      if (current) current.initrd = rest
    } else if ((rest = keyword(line, 'default')) !== null) {
      def = rest
    }
  }
  return { default: def, labels }
}

/** What the kernel finds in /proc/cmdline: syslinux prepends BOOT_IMAGE= and appends initrd= from INITRD. */
export function pxelinuxKernelCmdline(label: PxelinuxLabel): string {
  return `BOOT_IMAGE=${label.kernel}${label.append ? ` ${label.append}` : ''}${label.initrd ? ` initrd=${label.initrd}` : ''}`
}

// ---------------------------------------------------------------------------------------------------------------
// Linux (lib/cmdline.c next_arg as used by kernel/params.c parse_args)

export interface KernelParam {
  param: string
  val: string | null
}

export function linuxParams(cmdline: string): KernelParam[] {
  const out: KernelParam[] = []
  const isSpace = (c: string | undefined): boolean => c !== undefined && /[ \t\n\v\f\r]/.test(c)
  let s = cmdline.replace(/^[ \t\n\v\f\r]+/, '')
  while (s !== '') {
    let inQuote = false
    let quoted = false
    if (s[0] === '"') {
      s = s.slice(1)
      inQuote = true
      quoted = true
    }
    // equals === 0 means "no '='", as in the C code (an '=' at index 0 is not a separator).
    let equals = 0
    let i = 0
    for (; i < s.length; i++) {
      if (isSpace(s[i]) && !inQuote) break
      if (equals === 0 && s[i] === '=') equals = i
      if (s[i] === '"') inQuote = !inQuote
    }
    const arg = s.slice(0, i)
    let end = i
    let valStart = equals + 1
    if (equals && arg[valStart] === '"') {
      valStart++
      if (arg[i - 1] === '"') end = i - 1
    }
    if (quoted && i > 0 && arg[i - 1] === '"') end = Math.min(end, i - 1)
    out.push(equals ? { param: arg.slice(0, equals), val: arg.slice(valStart, Math.max(valStart, end)) } : { param: arg.slice(0, end), val: null })
    s = s.slice(i).replace(/^[ \t\n\v\f\r]+/, '')
  }
  return out
}

/** How casper and cloud-init read /proc/cmdline: split at whitespace, no quote handling. */
export function whitespaceWords(cmdline: string): string[] {
  return cmdline.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '')
}

// ---------------------------------------------------------------------------------------------------------------
// nginx (src/core/ngx_conf_file.c ngx_conf_read_token: a double-quoted token, \" \' \\ \t \r \n unescaped)

export function nginxToken(text: string): string {
  if (!text.startsWith('"')) {
    if (/[\s;{}"'#]/.test(text)) throw new Error(`nginx: ${JSON.stringify(text)} is not one bare token`)
    return text
  }
  let out = ''
  let i = 1
  for (;;) {
    if (i >= text.length) throw new Error('nginx: unterminated string')
    const c = text[i]!
    if (c === '"') {
      if (i !== text.length - 1) throw new Error('nginx: text after the closing quote')
      return out
    }
    if (c === '\\') {
      const n = text[i + 1]
      if (n === '"' || n === "'" || n === '\\') {
        out += n
        i += 2
        continue
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n'
        i += 2
        continue
      }
    }
    out += c
    i++
  }
}
