// The service account's password: locked (default), a crypt hash from the inventory, or a plaintext read from an
// environment variable or a file and hashed here with SHA-512 crypt. The salt is derived from cluster, node and user
// so that re-rendering gives the same bytes; the plaintext itself never reaches any output.
import { createHash } from 'node:crypto'
import { MAX_PASSWORD_FILE_BYTES, readInputFile } from '../load/read-input.js'
import { dirname, resolve } from 'node:path'
import { encrypt } from 'unixcrypt'
import type { PasswordSource } from '../model/inventory.js'
import { M } from '../diagnostics/messages.js'

const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export class PasswordSourceError extends Error {}

/** 16 salt characters from sha256(cluster, node, user): stable per account, different across nodes. */
function derivedSalt(cluster: string, node: string, user: string): string {
  const digest = createHash('sha256').update(`bai-seed\0${cluster}\0${node}\0${user}`).digest()
  let salt = ''
  for (let i = 0; i < 16; i++) salt += CRYPT_ALPHABET[digest[i]! & 63]
  return salt
}

function sha512Crypt(plaintext: string, salt: string): string {
  return encrypt(plaintext, `$6$${salt}`)
}

/**
 * Why `value` cannot be a password anybody types (a NUL, several lines, other control characters), or undefined.
 * Invalid UTF-8 in a file is refused when it is read.
 */
export function plaintextProblem(value: string, where: string): string | undefined {
  if (value.includes('\0')) return M.passwordNul(where)
  if (/[\r\n]/.test(value)) return M.passwordLines(where)
  if (/[\p{Cc}\u2028\u2029]/u.test(value)) return M.passwordControl(where)
  return undefined
}

/** Reads the plaintext from its source (env or file); returns null when the source is a hash or absent. */
export function readPlaintext(source: PasswordSource | undefined, inventoryFile: string, env: NodeJS.ProcessEnv): string | null {
  if (!source || source.hash) return null
  if (source.env) {
    const value = env[source.env]
    if (value === undefined || value === '') {
      throw new PasswordSourceError(`password.env: environment variable ${source.env} is not set or empty`)
    }
    const problem = plaintextProblem(value, `password.env: environment variable ${source.env}`)
    if (problem) throw new PasswordSourceError(problem)
    return value
  }
  if (source.file) {
    const path = resolve(dirname(inventoryFile), source.file)
    const read = readInputFile(path, MAX_PASSWORD_FILE_BYTES, 'a password file')
    if (!read.ok) throw new PasswordSourceError(`password.file: ${path}: ${read.message}`)
    const text = read.text
    // One trailing newline is the file's line end, not part of the password.
    const value = text.replace(/\r?\n$/, '')
    if (value === '') throw new PasswordSourceError(`password.file: ${path} is empty`)
    const problem = plaintextProblem(value, `password.file: ${path}`)
    if (problem) throw new PasswordSourceError(problem)
    return value
  }
  return null
}

export function passwordHash(
  source: PasswordSource | undefined,
  plaintext: string | null,
  cluster: string,
  node: string,
  user: string,
): string | null {
  if (source?.hash) return source.hash
  if (plaintext === null) return null
  return sha512Crypt(plaintext, derivedSalt(cluster, node, user))
}
