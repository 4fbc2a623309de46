// The status store: one append-only event log for the whole fleet, <output>/.bai-seed-status/events.jsonl (a dot-folder:
// `serve` never hands it out, the manifest never lists it, a render leaves it alone), one JSON record a line: the
// node's host name (`node`) and its event (StoredEvent, numbered per node).
//
// Group commit: events that arrive while a write is being synced wait, from every node at once, and go out together in
// the next write, followed by one fdatasync; each request is answered only after the sync that covers its event (and,
// for a new log, the folder's fsync). So what `serve` answered 200 for survives kill -9 and a power cut, and a
// thousand nodes reporting at once cost one sync per batch, not one per event or per node.
// A line cut short by a crash was never acknowledged: loading drops it, and the first write truncates it away.
// Folders served by the earlier store hold one log per node instead (<hostname>.jsonl, records without `node`): they are
// read too, before the fleet log, and left as they are (never written again); the node's new events follow them.
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredEvent } from './report-event.js'
import { OUTPUT_LAYOUT } from '../model/output-layout.js'

export const STATUS_DIR = OUTPUT_LAYOUT.statusDir
/** The fleet's event log inside STATUS_DIR. */
export const EVENT_LOG = 'events.jsonl'
/** A node's share of the log stops growing here: the server answers 507 (a node reporting this much is broken or hostile). */
export const MAX_LOG_BYTES = 16 * 1024 * 1024

/** Host names as the inventory allows them: the only names the store keeps events for. */
export const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

export interface NodeLog {
  /** Events without their log tails (kept apart: only the newest is shown). */
  events: StoredEvent[]
  /** The newest log tail (gzip+base64) and the event that carried it. */
  lastLog?: { seq: number; log: string }
  /** Bytes of this node's records in the fleet log (its cap: MAX_LOG_BYTES). */
  bytes: number
}

/** One line of the log. */
type LogRecord = StoredEvent & { node: string }

function addEvent(node: NodeLog, event: StoredEvent): void {
  if (event.log !== undefined) {
    node.lastLog = { seq: event.seq, log: event.log }
    const { log: _log, ...rest } = event
    node.events.push(rest)
  } else node.events.push(event)
}

function nodeLogOf(logs: Map<string, NodeLog>, hostname: string): NodeLog {
  let log = logs.get(hostname)
  if (!log) {
    log = { events: [], bytes: 0 }
    logs.set(hostname, log)
  }
  return log
}

/**
 * Adds one line of a log (without its newline) to `logs`; a line the server did not write whole is skipped. `legacy`:
 * the host of an earlier store's per-node log, whose records do not name their node.
 */
function addLine(logs: Map<string, NodeLog>, line: Buffer, legacy?: string): void {
  if (line.length === 0) return
  let record: LogRecord
  try {
    record = JSON.parse(line.toString('utf8')) as LogRecord
  } catch {
    return
  }
  if (typeof record !== 'object' || record === null) return
  if (legacy !== undefined) record = { ...record, node: legacy }
  if (typeof record.node !== 'string' || !HOSTNAME.test(record.node) || typeof record.seq !== 'number') return
  const { node: host, ...event } = record
  const log = nodeLogOf(logs, host)
  log.bytes += line.length + 1
  addEvent(log, event)
}

interface LoadedStore {
  logs: Map<string, NodeLog>
  /** Bytes up to and including the last newline: what was written whole. */
  size: number
}

const READ_CHUNK = 1024 * 1024

/** Per-node logs of the earlier store (<hostname>.jsonl beside the fleet log), by host name. */
function legacyLogs(outDir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(join(outDir, STATUS_DIR))
  } catch {
    return []
  }
  return names
    .filter((n) => n !== EVENT_LOG && n.endsWith(LEGACY_SUFFIX) && HOSTNAME.test(n.slice(0, -LEGACY_SUFFIX.length)))
    .sort()
}

const LEGACY_SUFFIX = '.jsonl'

/** The fleet log and the earlier store's per-node logs, read whole; `size`: the fleet log's whole lines. */
function loadStore(outDir: string): LoadedStore {
  const logs = new Map<string, NodeLog>()
  for (const name of legacyLogs(outDir)) readLog(join(outDir, STATUS_DIR, name), logs, name.slice(0, -LEGACY_SUFFIX.length))
  return { logs, size: readLog(join(outDir, STATUS_DIR, EVENT_LOG), logs) }
}

/**
 * Reads a log in chunks (it may be far larger than one string may be) into `logs`; a torn last line is left out.
 * Returns the bytes up to its last newline (0 when there is none, or it is a symlink or not a file: not a log of ours).
 */
function readLog(file: string, logs: Map<string, NodeLog>, legacy?: string): number {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return 0
  }
  let size = 0
  try {
    if (!fstatSync(fd).isFile()) return 0
    const chunk = Buffer.allocUnsafe(READ_CHUNK)
    let rest: Buffer = Buffer.alloc(0)
    let offset = 0
    for (;;) {
      const n = readSync(fd, chunk, 0, READ_CHUNK, offset)
      if (n === 0) break
      offset += n
      const data = rest.length ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n)
      let start = 0
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        addLine(logs, data.subarray(start, nl), legacy)
        start = nl + 1
      }
      size = offset - (data.length - start)
      // What follows the last newline waits for the next chunk (copied: the chunk buffer is reused).
      rest = Buffer.from(data.subarray(start))
    }
  } finally {
    closeSync(fd)
  }
  return size
}

/** Every node's events in `outDir`'s status store (none: empty), read synchronously (the CLI and a starting server). */
export function readStatusStore(outDir: string): Map<string, NodeLog> {
  return loadStore(outDir).logs
}

interface Pending {
  line: Buffer
  host: string
  event: StoredEvent
  resolve: () => void
  reject: (e: Error) => void
}

/** The server's side of the store: appends with group commit across all nodes, keeps every node's events in memory. */
export class EventStore {
  readonly dir: string
  readonly logs: Map<string, NodeLog>
  private readonly file: string
  private queue: Pending[] = []
  /** Whether a flush is running (set and cleared synchronously, so no queued event is ever left without one). */
  private busy = false
  /** The last flush started. */
  private flushed: Promise<void> = Promise.resolve()
  private fh: FileHandle | null = null
  /** Bytes of the log written and synced (the end a torn or failed write is cut back to). */
  private size: number
  /** Whether the file may hold bytes past `size` (a torn line from a crash, a failed write): cut before writing. */
  private untidy = true
  private readonly lastSeq = new Map<string, number>()
  /** A node's bytes in the log and in batches not yet synced (its cap). */
  private readonly reserved = new Map<string, number>()

  constructor(outDir: string) {
    this.dir = join(outDir, STATUS_DIR)
    this.file = join(this.dir, EVENT_LOG)
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const loaded = loadStore(outDir)
    this.logs = loaded.logs
    this.size = loaded.size
    for (const [host, log] of this.logs) {
      this.lastSeq.set(host, log.events[log.events.length - 1]?.seq ?? 0)
      this.reserved.set(host, log.bytes)
    }
  }

  nodeLog(hostname: string): NodeLog {
    return nodeLogOf(this.logs, hostname)
  }

  /** Appends an event; resolves once it is on disk (synced). Rejects with code 'FULL' when the node's log is at its cap. */
  append(hostname: string, event: Omit<StoredEvent, 'seq' | 'at'>, at = new Date()): Promise<StoredEvent> {
    if (!HOSTNAME.test(hostname)) return Promise.reject(new Error(`not a host name: ${hostname}`))
    // Numbered when queued: events of a batch being synced are not in the node's events yet.
    const seq = (this.lastSeq.get(hostname) ?? 0) + 1
    const stored = { seq, at: at.toISOString(), ...event } as StoredEvent
    const line = Buffer.from(JSON.stringify({ node: hostname, ...stored }) + '\n')
    const bytes = (this.reserved.get(hostname) ?? 0) + line.length
    if (bytes > MAX_LOG_BYTES) return Promise.reject(Object.assign(new Error('the node\'s event log is full'), { code: 'FULL' }))
    this.lastSeq.set(hostname, seq)
    this.reserved.set(hostname, bytes)
    return new Promise<StoredEvent>((resolve, reject) => {
      this.queue.push({ line, host: hostname, event: stored, resolve: () => resolve(stored), reject })
      if (!this.busy) this.flushed = this.flush()
    })
  }

  private async flush(): Promise<void> {
    this.busy = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        try {
          await this.write(Buffer.concat(batch.map((p) => p.line)))
        } catch (e) {
          this.untidy = true
          for (const p of batch) {
            this.reserved.set(p.host, (this.reserved.get(p.host) ?? 0) - p.line.length)
            p.reject(e as Error)
          }
          continue
        }
        for (const p of batch) {
          const log = this.nodeLog(p.host)
          log.bytes += p.line.length
          addEvent(log, p.event)
          p.resolve()
        }
      }
    } finally {
      this.busy = false
    }
  }

  private async write(bytes: Buffer): Promise<void> {
    if (!this.fh) {
      const created = this.size === 0
      this.fh = await open(this.file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600)
      // A new log's name must be on disk too before anything in it is acknowledged.
      if (created) syncDir(this.dir)
    }
    if (this.untidy) {
      // Drop what was never acknowledged (a line a crash cut short, a failed write), so records start on their own line.
      if ((await this.fh.stat()).size !== this.size) await this.fh.truncate(this.size)
      this.untidy = false
    }
    let done = 0
    while (done < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, this.size + done)
      done += bytesWritten
    }
    await this.fh.datasync()
    this.size += bytes.length
  }

  /** Closes the log's file once what is queued is written (the server's close). */
  async close(): Promise<void> {
    await this.flushed
    const fh = this.fh
    this.fh = null
    await fh?.close()
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
