// The status store: one append-only event log per node, <output>/.bai-seed-status/<hostname>.jsonl (a dot-folder:
// `serve` never hands it out, the manifest never lists it, a render leaves it alone), one JSON record (StoredEvent) a
// line. An event is acknowledged only after its line is written and fdatasync'ed (and, for a new log, the folder
// fsync'ed), so what `serve` answered 200 for survives kill -9 and a power cut. Events of one node that arrive while
// its last write is being synced are written together in the next write (group commit): one sync for many events.
// A line cut short by a crash was never acknowledged: loading drops it (and the next append truncates it away).
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, fstatSync, constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredEvent } from './report-event.js'

export const STATUS_DIR = '.bai-seed-status'
const LOG_SUFFIX = '.jsonl'
/** A node's log stops growing here: the server answers 507 (a node reporting this much is broken or hostile). */
export const MAX_LOG_BYTES = 16 * 1024 * 1024

/** Host names as the inventory allows them: the only names that become file names. */
export const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

export interface NodeLog {
  /** Events without their log tails (kept apart: only the newest is shown). */
  events: StoredEvent[]
  /** The newest log tail (gzip+base64) and the event that carried it. */
  lastLog?: { seq: number; log: string }
  bytes: number
}

function logFile(dir: string, hostname: string): string {
  if (!HOSTNAME.test(hostname)) throw new Error(`not a host name: ${hostname}`)
  return join(dir, `${hostname}${LOG_SUFFIX}`)
}

function addEvent(node: NodeLog, event: StoredEvent): void {
  if (event.log !== undefined) {
    node.lastLog = { seq: event.seq, log: event.log }
    const { log: _log, ...rest } = event
    node.events.push(rest)
  } else node.events.push(event)
}

/** Reads one node's log text; a torn last line (no newline: never acknowledged) is left out. */
function parseLog(text: string): NodeLog {
  const node: NodeLog = { events: [], bytes: 0 }
  const end = text.lastIndexOf('\n') + 1
  node.bytes = end
  for (const line of text.slice(0, end).split('\n')) {
    if (!line) continue
    try {
      addEvent(node, JSON.parse(line) as StoredEvent)
    } catch {
      // A line the server did not write whole is skipped, not fatal.
    }
  }
  return node
}

/** Every node's log in `outDir`'s status store (none: empty), read synchronously (the CLI and a starting server). */
export function readStatusStore(outDir: string): Map<string, NodeLog> {
  const dir = join(outDir, STATUS_DIR)
  const logs = new Map<string, NodeLog>()
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return logs
  }
  for (const name of names.sort()) {
    if (!name.endsWith(LOG_SUFFIX)) continue
    const host = name.slice(0, -LOG_SUFFIX.length)
    if (!HOSTNAME.test(host)) continue
    try {
      const fd = openSync(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW)
      try {
        if (!fstatSync(fd).isFile()) continue
        logs.set(host, parseLog(readFileSync(fd, 'utf8')))
      } finally {
        closeSync(fd)
      }
    } catch {
      // Unreadable or a symlink: not a log of ours.
    }
  }
  return logs
}

interface Pending {
  event: StoredEvent
  resolve: () => void
  reject: (e: Error) => void
}

/** The server's side of the store: appends with group commit, keeps every node's log in memory. */
export class EventStore {
  readonly dir: string
  readonly logs: Map<string, NodeLog>
  private readonly queues = new Map<string, Pending[]>()
  private readonly writing = new Set<string>()
  private readonly lastSeq = new Map<string, number>()
  /** Nodes whose file may end in a torn line (from a crash before this start): truncated before the next append. */
  private readonly torn = new Set<string>()

  constructor(outDir: string) {
    this.dir = join(outDir, STATUS_DIR)
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    this.logs = readStatusStore(outDir)
    for (const host of this.logs.keys()) this.torn.add(host)
  }

  nodeLog(hostname: string): NodeLog {
    let log = this.logs.get(hostname)
    if (!log) {
      log = { events: [], bytes: 0 }
      this.logs.set(hostname, log)
    }
    return log
  }

  /** Appends an event; resolves once it is on disk (synced). Throws 'FULL' when the node's log is at its cap. */
  append(hostname: string, event: Omit<StoredEvent, 'seq' | 'at'>, at = new Date()): Promise<StoredEvent> {
    const node = this.nodeLog(hostname)
    const queue = this.queues.get(hostname) ?? []
    // Numbered when queued: events of a batch being synced are not in node.events yet.
    const seq = (this.lastSeq.get(hostname) ?? node.events[node.events.length - 1]?.seq ?? 0) + 1
    this.lastSeq.set(hostname, seq)
    const stored = { seq, at: at.toISOString(), ...event } as StoredEvent
    return new Promise<StoredEvent>((resolve, reject) => {
      queue.push({ event: stored, resolve: () => resolve(stored), reject })
      this.queues.set(hostname, queue)
      if (!this.writing.has(hostname)) void this.flush(hostname)
    })
  }

  private async flush(hostname: string): Promise<void> {
    this.writing.add(hostname)
    try {
      for (;;) {
        const batch = this.queues.get(hostname)
        if (!batch || batch.length === 0) break
        this.queues.delete(hostname)
        const node = this.nodeLog(hostname)
        const text = batch.map((p) => JSON.stringify(p.event) + '\n').join('')
        try {
          if (node.bytes + Buffer.byteLength(text) > MAX_LOG_BYTES) throw Object.assign(new Error('the node\'s event log is full'), { code: 'FULL' })
          await this.write(hostname, node, text)
        } catch (e) {
          for (const p of batch) p.reject(e as Error)
          continue
        }
        for (const p of batch) {
          addEvent(node, p.event)
          p.resolve()
        }
      }
    } finally {
      this.writing.delete(hostname)
    }
  }

  private async write(hostname: string, node: NodeLog, text: string): Promise<void> {
    const file = logFile(this.dir, hostname)
    const isNew = node.bytes === 0 && !this.torn.has(hostname)
    const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW, 0o600)
    try {
      if (this.torn.has(hostname)) {
        // Drop a line a crash cut short, so the next record starts on its own line.
        const st = await fh.stat()
        if (st.size !== node.bytes) await fh.truncate(node.bytes)
        this.torn.delete(hostname)
      }
      const bytes = Buffer.from(text)
      await fh.write(bytes)
      await fh.datasync()
      node.bytes += bytes.length
    } finally {
      await fh.close()
    }
    if (isNew) syncDir(this.dir)
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY)
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
