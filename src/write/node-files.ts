// Every file of one node's output folder, as bytes: its rendered artifacts (UTF-8, or gzip for cloud-init/user-data) and, when asked, its two seed
// ISOs. Pure, so that it can run on the main thread or in the writer thread (file-sink.ts).
import { join } from 'node:path'
import type { NodeOutput } from '../model/artifact.js'
import { artifactBytes } from './artifact-bytes.js'
import type { OutputFile } from './output-file.js'

export type { NodeOutput } from '../model/artifact.js'

export interface NodeFileOptions {
  epoch: number
  seedIsos: boolean
}

/** The files of `node` to be written under `parentDir/<hostname>/`; `bytes`: artifactBytes of each artifact, when made already. */
export async function nodeFiles(node: NodeOutput, parentDir: string, options: NodeFileOptions, bytes?: readonly Uint8Array[]): Promise<OutputFile[]> {
  const files: Array<{ path: string; data: Uint8Array; mode: number; sha256?: string }> = node.artifacts.map((a, i) => ({
    path: a.path,
    data: bytes?.[i] ?? artifactBytes(a),
    mode: a.mode,
    sha256: a.sha256,
  }))
  if (options.seedIsos) {
    // The ISO writer is loaded only by renders that make images.
    const { seedIsoFiles } = await import('./seed-iso.js')
    files.push(...(await seedIsoFiles(node, options.epoch, new Map(files.map((f) => [f.path, f.data])))))
  }
  const nodeDir = join(parentDir, node.hostname)
  return files.map((f) => ({
    path: join(nodeDir, ...f.path.split('/')),
    manifestPath: `${node.hostname}/${f.path}`,
    data: f.data,
    mode: f.mode,
    sha256: f.sha256,
  }))
}
