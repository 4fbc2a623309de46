// NoCloud seed ISOs for the harness's own seeds (the hand-made and the broken one). The product's seeds come from
// `bai-seed render`, written by its own ISO writer.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from './run-command.js'

/** Writes files (user-data, meta-data, network-config) to dir and packs them into a cidata ISO at isoPath. */
export function makeSeedIso(dir: string, isoPath: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const paths = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  })
  rmSync(isoPath, { force: true })
  // NoCloud finds the volume by its label; user-data is no valid ISO 9660 name, so Joliet and Rock Ridge carry it.
  runCommand('genisoimage', ['-quiet', '-output', isoPath, '-volid', 'cidata', '-joliet', '-rock', ...paths])
}
