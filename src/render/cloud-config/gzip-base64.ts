// A file embedded in cloud-config write_files as `encoding: gz+b64`: the script is most of a node's user-data, and
// compressed it fits the 16 KiB that EC2 takes. cloud-init unpacks gz+b64 since 0.7 (Ubuntu 20.04 GA ships 20.1).
// The gzip member is deterministic (write/gzip-text.ts).
import { gzipText, gzipTextAsync } from '../../write/gzip-text.js'

export { TEXT_GZIP_LEVEL, gzipText, gzipTextAsync } from '../../write/gzip-text.js'

export const GZIP_BASE64 = 'gz+b64'

/** The `content` of a write_files entry with `encoding: gz+b64`. */
export function gzipBase64(text: string): string {
  return gzipText(text).toString('base64')
}

/** gzipBase64, compressed in libuv's thread pool; the same bytes. */
export async function gzipBase64Async(text: string): Promise<string> {
  return (await gzipTextAsync(text)).toString('base64')
}
