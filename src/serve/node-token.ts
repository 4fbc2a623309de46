// Per-node tokens for the seed URLs: `bai-seed serve` hands a file that only its owner may read (a seed holding a
// password hash or credentials, mode 0600) only to a request whose path carries the node's token:
//   http://SERVER:8080/<hostname>/<token>/autoinstall/user-data
// The token is HMAC-SHA256(key, hostname), 128 bits in base64url (22 characters): the same inputs and key give the
// same token, so re-rendered boot files stay byte-identical. The key (32 random bytes) is made once per output folder
// and kept, readable by its owner only, in `<output>/.bai-seed/serve-key` (never served, never bundled). Tokens are
// compared in constant time. Removing the key file revokes every token (the next `pxe` run makes a new key).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { SERVE_KEY_FILE, ensureStateDir, statePath } from '../write/output-state.js'
import { createFileExclusive } from '../write/exclusive-file.js'
import { OutputError } from '../write/output-error.js'

export const SERVE_KEY_BYTES = 32
/** Length of a token in base64url characters (16 bytes). */
export const NODE_TOKEN_LENGTH = 22
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/

/** The key of `outDir`, or null when there is none yet. Refuses a key file that is a link or readable by others. */
export function readServeKey(outDir: string): Buffer | null {
  const path = statePath(outDir, SERVE_KEY_FILE)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new OutputError(path, 'is a symbolic link; remove it (a new key is made)', 'ELOOP')
    throw e
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size !== SERVE_KEY_BYTES) throw new OutputError(path, `is not a ${SERVE_KEY_BYTES}-byte key file; remove it (a new key is made)`, 'EBADKEY')
    if ((st.mode & 0o077) !== 0) throw new OutputError(path, 'is readable by others; remove it (a new key is made, the old tokens stop working)', 'EBADKEY')
    const key = Buffer.alloc(SERVE_KEY_BYTES)
    readSync(fd, key, 0, SERVE_KEY_BYTES, 0)
    return key
  } finally {
    closeSync(fd)
  }
}

/** The key of `outDir`, made (0600, exclusively) when there is none. */
export function serveKey(outDir: string): Buffer {
  const existing = readServeKey(outDir)
  if (existing) return existing
  ensureStateDir(outDir)
  try {
    createFileExclusive(statePath(outDir, SERVE_KEY_FILE), randomBytes(SERVE_KEY_BYTES), 0o600)
  } catch (e) {
    // Made meanwhile by another run: use that one.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  return readServeKey(outDir)!
}

export function nodeToken(key: Buffer, hostname: string): string {
  return createHmac('sha256', key).update(`bai-seed node token\0${hostname}`).digest().subarray(0, 16).toString('base64url')
}

/** Whether `token` is the token of `hostname`, compared in constant time. */
export function checkNodeToken(key: Buffer, hostname: string, token: string): boolean {
  if (!looksLikeToken(token)) return false
  return timingSafeEqual(Buffer.from(nodeToken(key, hostname)), Buffer.from(token))
}

/** Whether a path segment has the shape of a token (so it is not a folder name such as `autoinstall`). */
export function looksLikeToken(segment: string): boolean {
  return TOKEN_SHAPE.test(segment)
}

/** The path of a node's folder as served with its token: `<hostname>/<token>/` (append `autoinstall/` etc.). */
export function nodeSeedPath(key: Buffer, hostname: string): string {
  return `${hostname}/${nodeToken(key, hostname)}/`
}
