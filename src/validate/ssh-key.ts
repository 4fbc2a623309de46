// OpenSSH public key lines (sshd(8) AUTHORIZED_KEYS FILE FORMAT, without the options field): type, base64 blob,
// optional comment. The blob starts with the key type as an SSH string (RFC 4253 section 6.6), which catches keys
// pasted with the wrong type or damaged.
import { M } from '../diagnostics/messages.js'

export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Why `line` is not a usable public key, or undefined. */
export function sshKeyProblem(line: string): string | undefined {
  if (isPrivateKey(line)) return M.sshKeyPrivate
  if (line !== line.trim()) return M.sshKeyFormat
  const fields = line.split(/ +/)
  if (fields.length < 2) return M.sshKeyFormat
  const [type, data] = fields as [string, string]
  if (type === 'ssh-dss') return M.sshKeyDsa
  if (!SSH_KEY_TYPES.includes(type)) return M.sshKeyType(type)
  if (!BASE64.test(data) || data.length % 4 !== 0) return M.sshKeyData(type)
  const blob = Buffer.from(data, 'base64')
  if (blob.length < 4) return M.sshKeyData(type)
  const len = blob.readUInt32BE(0)
  if (len !== Buffer.byteLength(type) || blob.subarray(4, 4 + len).toString('latin1') !== type) return M.sshKeyData(type)
  // An ed25519 blob is the type string and one 32-byte string: 4 + 11 + 4 + 32.
  if (type === 'ssh-ed25519' && blob.length !== 51) return M.sshKeyData(type)
  return undefined
}

/** A private key (PEM or OpenSSH format) pasted or read where a public key belongs. */
export function isPrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|^(?:ssh-\S+ )?-----BEGIN/m.test(text) || /PRIVATE KEY-----/.test(text)
}
