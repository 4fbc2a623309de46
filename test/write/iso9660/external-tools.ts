// Runs the independent ISO readers the system tests check our images with. A missing tool fails the test with
// the Debian package to install; it never skips.
import { spawnSync } from 'node:child_process'

const PACKAGES: Record<string, string> = {
  isoinfo: 'genisoimage',
  genisoimage: 'genisoimage',
  xorriso: 'xorriso',
  bsdtar: 'libarchive-tools',
  blkid: 'util-linux',
  'cloud-localds': 'cloud-image-utils',
}

export interface ToolResult {
  stdout: Buffer
  stderr: string
}

/** Runs a tool and returns its output; throws when it is missing or exits non-zero. */
export function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ToolResult {
  const r = spawnSync(cmd, args, { env, maxBuffer: 256 << 20 })
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${cmd} is not installed; install the Debian package "${PACKAGES[cmd] ?? cmd}"`)
  }
  if (r.error) throw r.error
  const stderr = r.stderr.toString('utf8')
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${stderr}`)
  return { stdout: r.stdout, stderr }
}

export function toolText(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return runTool(cmd, args, env).stdout.toString('utf8')
}

export interface ListedEntry {
  path: string
  type: 'file' | 'dir'
  mode: string
  links: number
  size: number
}

/**
 * Parses `isoinfo -l` output ("Directory listing of /dir/" then one `ls -l`-like line per record), leaving out
 * "." and "..". Names are decoded with `decode` (UTF-8 for Rock Ridge; isoinfo prints Joliet names as Latin-1).
 */
export function parseIsoinfoListing(out: Buffer, decode: BufferEncoding = 'utf8'): ListedEntry[] {
  const entries: ListedEntry[] = []
  let dir = '/'
  for (const line of out.toString(decode).split('\n')) {
    const header = /^Directory listing of (.*)$/.exec(line)
    if (header) {
      dir = header[1]
      continue
    }
    const m = /^([-d][-rwxsStT]{9})\s+(\d+)\s+\d+\s+\d+\s+(\d+)\s+\S+\s+\d+\s+\d+\s+\[\s*\d+\s+\d+\]\s\s(.*) $/.exec(line)
    if (!m || m[4] === '.' || m[4] === '..') continue
    entries.push({ path: dir + m[4], type: m[1][0] === 'd' ? 'dir' : 'file', mode: m[1], links: Number(m[2]), size: Number(m[3]) })
  }
  return entries
}

/** Parses `xorriso -indev IMG -find / -exec lsdl` lines, leaving out the root. */
export function parseXorrisoListing(out: string): ListedEntry[] {
  const entries: ListedEntry[] = []
  for (const line of out.split('\n')) {
    const m = /^([-d][-rwxsStT]{9})\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+\w+\s+\d+\s+\S+\s+'(.*)'$/.exec(line)
    if (!m || m[4] === '/') continue
    entries.push({ path: m[4], type: m[1][0] === 'd' ? 'dir' : 'file', mode: m[1], links: Number(m[2]), size: Number(m[3]) })
  }
  return entries
}
