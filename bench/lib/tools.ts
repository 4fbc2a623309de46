// The external programs the benchmark compares against. A missing one stops the run with the apt package to install.
import { spawnSync } from 'node:child_process'

export const REQUIRED_TOOLS: ReadonlyArray<{ command: string; aptPackage: string }> = [
  { command: '/usr/bin/time', aptPackage: 'time' },
  { command: 'cloud-localds', aptPackage: 'cloud-image-utils' },
  { command: 'genisoimage', aptPackage: 'genisoimage' },
  { command: 'xorriso', aptPackage: 'xorriso' },
  { command: 'cp', aptPackage: 'coreutils' },
]

export function missingTools(): string[] {
  return REQUIRED_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t.command}`]).status !== 0).map(
    (t) => `${t.command} (apt-get install ${t.aptPackage})`,
  )
}

/** First line of `<tool> --version` (or -version), for the record. */
export function toolVersion(command: string, flag = '--version'): string {
  const r = spawnSync(command, [flag], { encoding: 'utf8' })
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '')
  return text?.trim() ?? 'unknown'
}
