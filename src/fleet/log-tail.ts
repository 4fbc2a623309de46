// A failed step's log tail travels as gzip+base64 (provision.sh: `tail -c | gzip | base64`); shown as text, at most
// MAX_TAIL_TEXT bytes of it, so a crafted member cannot blow up on unpacking.
import { gunzipSync } from 'node:zlib'

export const MAX_TAIL_TEXT = 256 * 1024

export function decodeLogTail(b64: string): string {
  try {
    const text = gunzipSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_TAIL_TEXT }).toString('utf8')
    // Shown on terminals and pages: no escape sequences or other control characters from the node.
    return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')
  } catch {
    return '(the log tail could not be unpacked)'
  }
}
