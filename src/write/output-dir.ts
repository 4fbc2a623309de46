// Writes rendered nodes into the output folder atomically: everything is first written into a staging folder
// inside it (same filesystem), then each node folder is swapped into place with rename(2), then manifest.json is
// rebuilt. A failure before the swap leaves the output folder as it was.
import { mkdir, mkdtemp, rename, rm, writeFile, utimes, chmod } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Artifact } from '../render/render-node.js'
import { writeManifest, type Manifest } from './manifest.js'

export interface NodeOutput {
  hostname: string
  artifacts: Artifact[]
}

/** Extra files made from a staged node folder (the seed ISOs), written into the same staging folder. */
export type StageHook = (stagedNodeDir: string, node: NodeOutput) => Promise<void>

export interface WriteOptions {
  dir: string
  epoch: number
  hooks: StageHook[]
}

export async function writeNodeFiles(nodeDir: string, artifacts: Artifact[], epoch: number): Promise<void> {
  for (const a of artifacts) {
    const path = join(nodeDir, ...a.path.split('/'))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, a.content, { mode: a.mode })
    await chmod(path, a.mode)
    await utimes(path, epoch, epoch)
  }
}

export async function writeOutput(nodes: NodeOutput[], options: WriteOptions): Promise<Manifest> {
  await mkdir(options.dir, { recursive: true })
  const staging = await mkdtemp(join(options.dir, '.staging-'))
  try {
    for (const node of nodes) {
      const nodeDir = join(staging, node.hostname)
      await writeNodeFiles(nodeDir, node.artifacts, options.epoch)
      for (const hook of options.hooks) await hook(nodeDir, node)
    }
    const old = join(staging, '.old')
    await mkdir(old)
    for (const node of nodes) {
      const target = join(options.dir, node.hostname)
      await rename(target, join(old, node.hostname)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
      await rename(join(staging, node.hostname), target)
    }
    return await writeManifest(options.dir)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}
