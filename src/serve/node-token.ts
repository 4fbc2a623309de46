// Per-node tokens: for what a node reports back to `bai-seed serve` (each stage of its install and first boot, and
// its finished install, also the one a netbooted installer posts to the URL on its kernel command line: purpose
// 'report', src/fleet/report-route.ts), and for
// the seed URLs of nodes whose files hold secrets (purpose 'seed'): `serve` hands a file only its owner may read (0600:
// a seed or script holding a password hash or credentials) only to a request whose path carries the node's seed token,
// http://SERVER:8080/<hostname>/<token>/autoinstall/user-data (see static-server.ts). A token is
// HMAC-SHA256(key, purpose + NUL + hostname), 128 bits in base64url (22 characters, a valid word for every boot loader
// and the kernel command line). The key is 32 random bytes in <output>/.bai-seed-key (mode 0600, never served: serve
// refuses dot-files; never in manifest.json), made by the first command that needs it, so re-renders into the same
// folder give the same tokens.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'
import { InputError, OutputError } from '../diagnostics/errors.js'

export const KEY_FILE = OUTPUT_LAYOUT.nodeKeyFile

export type TokenPurpose = 'seed' | 'report'

function parseKey(text: string, file: string): Buffer {
  const hex = text.trim()
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new OutputError('BAD_KEY_FILE', file, 'not a bai-seed key (64 hex digits); delete it to make a new one')
  return Buffer.from(hex, 'hex')
}

/** The output folder's key, or null when there is none yet. */
export function readNodeKey(outDir: string): Buffer | null {
  const file = join(outDir, KEY_FILE)
  let text: string
  try {
    // Never through a symbolic link: a planted link must not choose the key.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    try {
      if (!fstatSync(fd).isFile()) throw new OutputError('BAD_KEY_FILE', file, 'not a regular file; delete it to make a new key')
      text = readFileSync(fd, 'utf8').slice(0, 200)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new OutputError('BAD_KEY_FILE', file, 'is a symbolic link; delete it to make a new key')
    throw e
  }
  return parseKey(text, file)
}

/** The output folder's key, made (O_EXCL, 0600) when missing. */
export function readOrCreateNodeKey(outDir: string): Buffer {
  const existing = readNodeKey(outDir)
  if (existing) return existing
  const key = randomBytes(32)
  try {
    const fd = openSync(join(outDir, KEY_FILE), 'wx', 0o600)
    try {
      writeSync(fd, `${key.toString('hex')}\n`)
    } finally {
      closeSync(fd)
    }
    return key
  } catch (e) {
    // Another process made it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readNodeKey(outDir)!
    throw e
  }
}

export function nodeToken(key: Buffer, purpose: TokenPurpose, hostname: string): string {
  return createHmac('sha256', key).update(`${purpose}\0${hostname}`).digest().subarray(0, 16).toString('base64url')
}

/** Constant-time comparison of a presented token with the node's. */
export function tokenMatches(key: Buffer, purpose: TokenPurpose, hostname: string, presented: string): boolean {
  const expected = Buffer.from(nodeToken(key, purpose, hostname))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/

/** Whether a path segment has the shape of a token (so it is not a folder name such as `autoinstall`). */
export function looksLikeToken(segment: string): boolean {
  return TOKEN_SHAPE.test(segment)
}

/** The served path of a node's folder with its seed token: `<hostname>/<token>/` (append `autoinstall/` etc.). */
export function nodeSeedPath(key: Buffer, hostname: string): string {
  return `${hostname}/${nodeToken(key, 'seed', hostname)}/`
}

/**
 * The URL at which `serve` hands out the owner-only file `path` (relative to the output folder): its top folder's
 * token after the folder, `<base><folder>/<token>/<rest>`. For `serve --url-of`.
 */
export function tokenUrlOf(outDir: string, base: string, path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.length < 2 || parts.some((p) => p === '..' || p.startsWith('.'))) {
    throw new InputError('FLAG', `--url-of ${path}: expected a file inside a folder of the output folder, such as installer/cluster-autoinstall.iso`)
  }
  const key = readOrCreateNodeKey(outDir)
  return `${base}${encodeURIComponent(parts[0]!)}/${nodeToken(key, 'seed', parts[0]!)}/${parts.slice(1).map(encodeURIComponent).join('/')}`
}
