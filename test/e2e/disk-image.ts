// The guest's disk: a raw ext4 image filled from the rootfs tree by mkfs.ext4 -d, without loop mounts. The guest
// mounts it as / from /dev/vda (no partition table).
import { rmSync } from 'node:fs'
import { runCommand } from './run-command.js'

/** Writes a fresh image at path; returns the seconds it took. size is truncate's syntax (sparse). */
export function makeDiskImage(rootfsDir: string, path: string, size = '4G'): number {
  const started = Date.now()
  rmSync(path, { force: true })
  runCommand('truncate', ['-s', size, path])
  runCommand('mkfs.ext4', ['-q', '-F', '-L', 'bai-e2e-root', '-d', rootfsDir, path])
  return (Date.now() - started) / 1000
}
