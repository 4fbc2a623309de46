// The bytes of a cloud-config write_files entry as cloud-init writes them: plain text, or `gz+b64` unpacked the way
// cloud-init does it (base64, then gzip).
import { gunzipSync } from 'node:zlib'

export interface WriteFile {
  path: string
  content: string
  encoding?: string
}

export function writeFileText(wf: WriteFile): string {
  if (wf.encoding === undefined || wf.encoding === 'text/plain') return wf.content
  if (wf.encoding === 'gz+b64' || wf.encoding === 'gzip+base64') return gunzipSync(Buffer.from(wf.content, 'base64')).toString('utf8')
  throw new Error(`write_files ${wf.path}: encoding ${wf.encoding} not handled by this test helper`)
}
