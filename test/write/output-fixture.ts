// Shared by the output-folder tests: generated inventories, snapshots of an output folder, and the check that a
// manifest describes exactly the files on disk.
import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'

/** An inventory of `hosts` (hostnames), all on one subnet; `dns` changes every node's files. */
export function inventoryOf(hosts: string[], dns = '10.9.0.1', dir = tempDir('inv')): string {
  const lines = ['cluster: {name: own, domain: cluster.internal, release: "24.09"}', `network: {subnet: 10.9.0.0/16, gateway: 10.9.0.1, dns: [${dns}]}`, 'storage: {type: local}', 'nodes:']
  hosts.forEach((h, i) => lines.push(`  - {hostname: ${h}, ip: 10.9.${1 + (i >> 7)}.${10 + (i & 127)}/16, roles: [${i === 0 ? 'manager' : 'agent'}]}`))
  const file = join(dir, 'cluster.yaml')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

export const hostsOf = (n: number, prefix = 'n'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** Every entry under `dir` except bai-seed's hidden ones (dot-entries at the top): path -> sha256 and mode, or 'dir'. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (rel === '' && name.startsWith('.')) continue
      const p = join(d, name)
      const st = lstatSync(p)
      if (st.isDirectory()) {
        out[`${rel}${name}/`] = 'dir'
        walk(p, `${rel}${name}/`)
      } else if (st.isSymbolicLink()) out[`${rel}${name}`] = 'symlink'
      else out[`${rel}${name}`] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(st.mode & 0o777).toString(8).padStart(4, '0')}`
    }
  }
  walk(dir, '')
  return out
}

/** Problems with manifest.json against the disk: every listed file exists with its size, mode and hash, and every node folder file is listed. */
export function manifestProblems(dir: string, ignore: (path: string) => boolean = () => false): string[] {
  const problems: string[] = []
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string; size: number; mode: string; sha256: string }[] }
  const listed = new Map(manifest.files.map((f) => [f.path, f]))
  const files = Object.entries(snapshot(dir)).filter(([p, v]) => v !== 'dir' && p !== 'manifest.json' && !ignore(p))
  for (const [path, value] of files) {
    const entry = listed.get(path)
    if (!entry) problems.push(`${path}: on disk, not in the manifest`)
    else if (`${entry.sha256} ${entry.mode}` !== value) problems.push(`${path}: manifest says ${entry.sha256} ${entry.mode}, disk ${value}`)
  }
  const onDisk = new Set(files.map(([p]) => p))
  for (const path of listed.keys()) if (!onDisk.has(path)) problems.push(`${path}: in the manifest, not on disk`)
  return problems
}
