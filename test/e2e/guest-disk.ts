// Reads the guest's ext4 disk after the VM has stopped, with debugfs (e2fsprogs), never by mounting it.
// debugfs exits 0 even when a path is missing; it reports that on stderr ("File not found by ext2_lookup").
import { runCommand } from './run-command.js'

export interface GuestStat {
  /** debugfs's type word: regular, directory, symlink, ... */
  type: string
  uid: number
  gid: number
  /** Permission bits including setuid/setgid/sticky, e.g. 0o644. */
  mode: number
  size: number
}

export interface GuestDirEntry {
  name: string
  uid: number
  gid: number
  /** Full st_mode (type and permission bits), as debugfs `ls -p` prints it. */
  mode: number
}

// debugfs parses its request line itself; keep paths to characters that need no quoting there.
const safePath = /^\/[A-Za-z0-9._@+/-]*$/

export class GuestDisk {
  constructor(readonly image: string) {}

  private request(command: string, path: string): { stdout: Buffer; stderr: string } {
    if (!safePath.test(path)) throw new Error(`guest path not supported by the harness: ${JSON.stringify(path)}`)
    const r = runCommand('debugfs', ['-R', `${command} ${path}`, this.image])
    const missing = r.stderr.split('\n').find((l) => /File not found|not found by ext2_lookup|Ext2 inode is not a directory/.test(l))
    if (missing) throw new GuestPathMissing(path, missing.trim())
    return r
  }

  /** Puts a copy of the host file hostPath at guestPath (the parent folder must exist); before a boot only. */
  writeFile(hostPath: string, guestPath: string): void {
    if (!safePath.test(guestPath) || !safePath.test(hostPath)) throw new Error(`path not supported by the harness: ${hostPath} ${guestPath}`)
    const r = runCommand('debugfs', ['-w', '-R', `write ${hostPath} ${guestPath}`, this.image])
    if (/error|not found|exists/i.test(r.stderr.split('\n').slice(1).join('\n'))) throw new Error(`debugfs write ${guestPath}: ${r.stderr}`)
  }

  /** Bytes of a regular file. Throws GuestPathMissing when it does not exist. */
  readBytes(path: string): Buffer {
    return this.request('cat', path).stdout
  }

  /** A file as UTF-8 text. */
  readFile(path: string): string {
    return this.readBytes(path).toString('utf8')
  }

  exists(path: string): boolean {
    try {
      this.stat(path)
      return true
    } catch (e) {
      if (e instanceof GuestPathMissing) return false
      throw e
    }
  }

  /** Owner, permission bits and size, from the inode (a final symlink is not followed). */
  stat(path: string): GuestStat {
    const text = this.request('stat', path).stdout.toString('utf8')
    const head = /Type:\s+(\S+)\s+Mode:\s+([0-7]+)/.exec(text)
    const owner = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(text)
    const size = /Size:\s+(\d+)/.exec(text)
    if (!head || !owner || !size) throw new Error(`cannot parse debugfs stat of ${path}:\n${text}`)
    return { type: head[1], mode: parseInt(head[2], 8), uid: Number(owner[1]), gid: Number(owner[2]), size: Number(size[1]) }
  }

  /** Entries of a directory, without . and .., in name order. */
  list(dir: string): GuestDirEntry[] {
    // `ls -p` prints one entry a line: /inode/mode(octal)/uid/gid/name/size/
    const text = this.request('ls -p', dir).stdout.toString('utf8')
    const entries: GuestDirEntry[] = []
    for (const line of text.split('\n')) {
      const m = /^\/(\d+)\/([0-7]+)\/(\d+)\/(\d+)\/([^/]*)\//.exec(line)
      if (!m || m[5] === '.' || m[5] === '..' || m[5] === '') continue
      entries.push({ name: m[5], mode: parseInt(m[2], 8), uid: Number(m[3]), gid: Number(m[4]) })
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
}

export class GuestPathMissing extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path} does not exist on the guest disk (${detail})`)
  }
}
