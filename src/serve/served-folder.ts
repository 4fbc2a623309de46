// `bai-seed serve` serves an output folder that bai-seed wrote, and nothing else unless asked: a folder without
// bai-seed's manifest.json (read like every writer reads it: no link, a regular file, a size cap) is refused, so
// `serve -o /etc` does not hand /etc/passwd to the network. `--any-folder` serves any folder (its files readable by
// others; owner-only files only with a token, which a folder without bai-seed's key has none of).
import { readManifest, MANIFEST_NAME, type Manifest } from '../write/manifest.js'
import { InputError } from '../diagnostics/errors.js'

/** What serve reads of a manifest at most (10,000 nodes take about 13 MiB). */
export const SERVE_MANIFEST_MAX_BYTES = 64 * 1024 * 1024

/** The folder's manifest; throws an InputError when there is none of bai-seed's and `anyFolder` is not set. */
export function checkServedFolder(root: string, anyFolder: boolean): Manifest | null {
  const manifest = readManifest(root, SERVE_MANIFEST_MAX_BYTES)
  if (manifest && manifest.generator.startsWith('bai-seed ')) return manifest
  if (anyFolder) return null
  throw new InputError(
    'NOT_OUTPUT',
    `${root}/ holds no ${MANIFEST_NAME} written by bai-seed (or one that is a link, not a regular file, or over ` +
      `${SERVE_MANIFEST_MAX_BYTES / 2 ** 20} MiB): serve serves only an output folder of bai-seed render or pxe; ` +
      'pass --any-folder to serve this folder anyway',
  )
}
