// The bytes an artifact is written as: its UTF-8, or one gzip member of it (cloud-init/user-data).
import type { Artifact } from '../model/artifact.js'
import { gzipText } from './gzip-text.js'

export function artifactBytes(a: Artifact): Uint8Array {
  return a.gzip ? gzipText(a.content) : Buffer.from(a.content, 'utf8')
}

