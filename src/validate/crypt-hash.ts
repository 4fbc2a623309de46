// crypt(3) password hashes as shadow(5) stores them. Formats per crypt(5) (libxcrypt): $6$ SHA-512, $5$ SHA-256,
// $y$ yescrypt (libxcrypt on Ubuntu 20.04 supports it), $1$ MD5 (weak, warned about).
import { M } from '../diagnostics/messages.js'

const SALT = '[./A-Za-z0-9]'
const FORMATS: [RegExp, 'ok' | 'weak'][] = [
  [new RegExp(`^\\$6\\$(rounds=[0-9]+\\$)?${SALT}{1,16}\\$${SALT}{86}$`), 'ok'],
  [new RegExp(`^\\$5\\$(rounds=[0-9]+\\$)?${SALT}{1,16}\\$${SALT}{43}$`), 'ok'],
  [new RegExp(`^\\$y\\$${SALT}+\\$${SALT}*\\$${SALT}{43}$`), 'ok'],
  [new RegExp(`^\\$1\\$${SALT}{1,8}\\$${SALT}{22}$`), 'weak'],
]

export interface HashProblem {
  message: string
  weak: boolean
}

/** Undefined when `hash` is a good crypt hash; `weak` for $1$ (usable but discouraged). */
export function cryptHashProblem(hash: string): HashProblem | undefined {
  for (const [re, kind] of FORMATS) {
    if (re.test(hash)) return kind === 'weak' ? { message: M.weakCryptHash, weak: true } : undefined
  }
  return { message: M.badCryptHash, weak: false }
}
