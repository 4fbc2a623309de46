// NoCloud seed ISOs for the seeds the harness makes itself (the broken one), written by the product's own ISO writer.
// The product's seeds come from `bai-seed render`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeIso } from '../../src/iso9660/index.js'

/** Writes files (user-data, meta-data, network-config) to dir and packs them into a cidata ISO at isoPath. */
export async function makeSeedIso(dir: string, isoPath: string, files: Record<string, string>): Promise<void> {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  rmSync(isoPath, { force: true })
  // NoCloud finds the volume by its label (cidata, the writer's default); Joliet and Rock Ridge carry "user-data".
  await writeIso({ sourceDir: dir, outFile: isoPath })
}
