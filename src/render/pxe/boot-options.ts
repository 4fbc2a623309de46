// The options of `bai-seed pxe`: where the output folder is served (--http-base), where the installer ISO is
// (--iso-url), where iPXE fetches the kernel and initrd (--boot-base), their paths, and the folder nginx serves.
// By default everything a machine fetches lives in <output>/pxe/, which is also the TFTP root: casper/vmlinuz and
// casper/initrd (TFTP for GRUB and PXELINUX, HTTP for iPXE) and the ISO (HTTP, casper's url=).
// Every URL and path is checked here, before anything is rendered, so that a bad value is one clear input error (a
// diagnostic of the flag, code PXE_FLAG) and no renderer meets it.
import { isAbsolute } from 'node:path'
import { OUTPUT_LAYOUT } from '../../model/output-layout.js'
import { inputProblem, type Problem } from '../../diagnostics/diagnostic.js'
import { DEFAULT_TARGET, netbootKernelArgs, osTarget, type OsTarget } from '../../targets/os-targets.js'
import { reportPath } from '../../fleet/report-url.js'

/** The live-server ISO of the default target, which casper downloads (url=) when netbooted; per target: the registry. */
export const DEFAULT_ISO_NAME = osTarget(DEFAULT_TARGET).media.isoName
export const DEFAULT_KERNEL = osTarget(DEFAULT_TARGET).media.kernel
export const DEFAULT_INITRD = osTarget(DEFAULT_TARGET).media.initrd
/** The PXE tree's folder under the output folder (and under --http-base). */
export const PXE_FOLDER = OUTPUT_LAYOUT.pxeDir

export interface PxeFlags {
  httpBase: string
  isoUrl?: string
  bootBase?: string
  kernel?: string
  initrd?: string
  /** Absolute folder that nginx.conf serves (the output folder by default). */
  serveRoot: string
}

export interface PxeOptions {
  /** Ends with '/'. */
  httpBase: string
  /** The installer ISO: --iso-url, else <http-base>pxe/<the node target's ISO name> (isoUrlFor). */
  isoUrl: string
  isoFromFlag: boolean
  /** Ends with '/'. */
  bootBase: string
  kernel: string
  initrd: string
  serveRoot: string
  /**
   * Served path of a node's folder when it is not `<hostname>/`: `<hostname>/<token>/` for nodes whose seeds hold
   * secrets, which `bai-seed serve` hands out only with the node's token (src/serve/node-token.ts).
   */
  nodePaths?: ReadonlyMap<string, string>
}

// RFC 3986 characters minus those that some hop cannot carry: ' (GRUB/Linux), ; (cloud-init's ds= separator),
// $ (iPXE and nginx variables), ? and # (a seed URL is extended by a path), " \ ` < > { } | ^ and spaces.
const URL_CHARS = /^[A-Za-z0-9\-._~:/[\]@!&()*+,=%]+$/
const PATH = /^[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/

function checkUrl(flag: string, raw: string, kind: 'base' | 'file'): string[] {
  const errors: string[] = []
  const say = (why: string): void => {
    errors.push(`${flag} ${JSON.stringify(raw)}: ${why}`)
  }
  if (!URL_CHARS.test(raw)) {
    say("only URL characters are allowed: no spaces, quotes, backslashes, ';', '$', '?' or '#'")
    return errors
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) say("'%' must start a percent-escape like %20")
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    say('not a URL (expected http://HOST[:PORT]/PATH)')
    return errors
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') say('must be an http:// or https:// URL')
  if (url.username || url.password) say('must not carry a user name or password')
  if (!url.hostname) say('has no host')
  const path = raw.replace(/^[a-z]+:\/\/[^/]*/i, '')
  if (/(^|\/)\.\.?(\/|$)/.test(path)) say("must not contain '.' or '..' path segments")
  if (kind === 'file' && (path === '' || path.endsWith('/'))) say('must name a file, not a folder')
  return errors
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

/** TFTP clients and PXELINUX's lines (4,095 bytes) take paths far shorter than this. */
const MAX_BOOT_PATH = 255

function checkBootPath(flag: string, value: string): string[] {
  if (value.length > MAX_BOOT_PATH) return [`${flag}: a path of ${value.length} characters; at most ${MAX_BOOT_PATH}`]
  if (PATH.test(value) && !value.split('/').some((s) => s === '.' || s === '..')) return []
  return [`${flag} ${JSON.stringify(value)}: must be a relative path of letters, digits and . _ + - (like ${DEFAULT_KERNEL})`]
}

/** The options, or the problems of the flags (nothing is rendered then). */
export function resolvePxeOptions(flags: PxeFlags): { options?: PxeOptions; problems: Problem[] } {
  const { options, errors } = checkPxeFlags(flags)
  return { options, problems: errors.map((e) => inputProblem('PXE_FLAG', e)) }
}

function checkPxeFlags(flags: PxeFlags): { options?: PxeOptions; errors: string[] } {
  const errors = checkUrl('--http-base', flags.httpBase, 'base')
  if (errors.length) return { errors }
  const httpBase = withSlash(flags.httpBase)
  const isoUrl = flags.isoUrl ?? `${httpBase}${PXE_FOLDER}/${DEFAULT_ISO_NAME}`
  const bootBase = withSlash(flags.bootBase ?? `${httpBase}${PXE_FOLDER}/`)
  const kernel = flags.kernel ?? DEFAULT_KERNEL
  const initrd = flags.initrd ?? DEFAULT_INITRD
  if (flags.isoUrl !== undefined) errors.push(...checkUrl('--iso-url', flags.isoUrl, 'file'))
  if (flags.bootBase !== undefined) errors.push(...checkUrl('--boot-base', flags.bootBase, 'base'))
  errors.push(...checkBootPath('--kernel', kernel), ...checkBootPath('--initrd', initrd))
  if (!isAbsolute(flags.serveRoot)) errors.push(`--serve-root ${JSON.stringify(flags.serveRoot)}: must be an absolute folder`)
  // nginx.conf names it: nginx has no escape for "$" (a variable) and none for control characters.
  else if (/[\u0000-\u001f\u007f$]/.test(flags.serveRoot)) errors.push(`--serve-root ${JSON.stringify(flags.serveRoot)}: nginx cannot name a folder with "$" or a control character`)
  if (errors.length) return { errors }
  return { options: { httpBase, isoUrl, isoFromFlag: flags.isoUrl !== undefined, bootBase, kernel, initrd, serveRoot: flags.serveRoot }, errors }
}

/** The nocloud-net seed of a node: its autoinstall/ folder, with the trailing slash cloud-init needs. */
function seedUrl(options: PxeOptions, hostname: string): string {
  return `${options.httpBase}${options.nodePaths?.get(hostname) ?? `${hostname}/`}autoinstall/`
}

/** The installer ISO a node of this target netboots: --iso-url, else its target's ISO under the HTTP base. */
export function isoUrlFor(options: PxeOptions, target: OsTarget): string {
  return options.isoFromFlag ? options.isoUrl : `${options.httpBase}${PXE_FOLDER}/${target.media.isoName}`
}

/**
 * Where a node reports its finished install: its report URL on the PXE server (bai-seed serve, POST
 * /report/<hostname>/<token>, src/fleet/report-route.ts): an empty POST there is the installer's `installed` event, and
 * it writes the install marker. `token` is the node's report token.
 */
function doneUrl(options: PxeOptions, hostname: string, token: string): string {
  return `${options.httpBase}${reportPath(hostname, token)}`
}

/**
 * The kernel command line of the target's live-server netboot (casper fetches the ISO from url=; the registry holds
 * the arguments each installer needs), plus `autoinstall` so that subiquity does not ask for confirmation, and the
 * HTTP NoCloud seed.
 */
export function installerArgs(options: PxeOptions, hostname: string, token?: string, target: OsTarget = osTarget(DEFAULT_TARGET)): string[] {
  const args = netbootKernelArgs(target, isoUrlFor(options, target), seedUrl(options, hostname))
  // Read by the autoinstall late-command that reports the finished install (a dotted word: the kernel passes it to
  // no module and not to init).
  if (token !== undefined) args.push(`bai_seed.done=${doneUrl(options, hostname, token)}`)
  return args
}
