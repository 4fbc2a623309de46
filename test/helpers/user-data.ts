// A user-data file as cloud-init reads it: cloud-init/user-data is written gzip-compressed, and cloud-init unpacks
// any gzip user-data before parsing it (cloudinit/user_data.py convert_string); autoinstall/user-data is text.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b

export function userDataText(bytes: Uint8Array): string {
  return (isGzip(bytes) ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8')
}

export function readUserData(path: string): string {
  return userDataText(readFileSync(path))
}
