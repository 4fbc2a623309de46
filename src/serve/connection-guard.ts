// Who gets a connection to `bai-seed serve`, decided when the connection is accepted, before a byte is parsed:
//   - an address outside the allow list (allow-list.ts): 403 at once, and a log line;
//   - at most `perAddress` connections from one address: one machine (or one attacker) cannot take them all;
//   - the file descriptors the process may open (`ulimit -n`, read from /proc/self/limits) are a budget shared by
//     connections and open files, with room kept for new clients: when it is spent, the connection that has waited
//     longest without a request in progress (a slow sender of headers, an idle keep-alive) is closed to make room,
//     and a newcomer is refused (503) only when every connection is busy. Files streamed to clients (big downloads)
//     may hold at most a third of the budget; when those slots are taken, a download that has made no progress for
//     STALLED_MS gives its slot up to the new one.
// Timeouts (static-server.ts) end what is left: headers, idle keep-alive, and a body that the client stops reading.
import { readdirSync, readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import type { AllowList } from './allow-list.js'
import { plainAddress } from './allow-list.js'
import type { AccessLogEntry } from './access-log.js'

/** File descriptors kept aside for the server's own files (manifest, key, markers, lock, a cache miss). */
export const FD_RESERVE = 16
/** A download that moved no byte for this long may be closed to give its file slot to a new one. */
export const STALLED_MS = 5000
/** A refused connection is kept open this long at most, so that the client reads its answer before the close. */
const LINGER_MS = 500
const MAX_LINGERING = 8

/** The soft limit of open files of this process (`ulimit -n`), or null when /proc does not say. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    if (!m) return null
    return m[1] === 'unlimited' ? null : Number(m[1])
  } catch {
    return null
  }
}

export function openFileCount(): number {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return 0
  }
}

interface Conn {
  socket: Socket
  address: string
  busy: number
}

interface Stream {
  socket: Socket
  progressAt: number
}

export interface GuardOptions {
  allow: AllowList
  perAddress: number
  /** File descriptors for connections and open files together. */
  budget: number
  log: (entry: AccessLogEntry) => void
}

export class ConnectionGuard {
  /** In order of arrival: the first idle one is the one that waited longest. */
  private readonly conns = new Map<Socket, Conn>()
  private readonly byAddress = new Map<string, number>()
  private readonly streams = new Set<Stream>()
  private lingering = 0
  readonly maxStreams: number
  /** Counters for tests and the start-up line. */
  readonly counts = { refusedAddress: 0, refusedPerAddress: 0, refusedFull: 0, evictedIdle: 0, evictedStalled: 0, refusedStream: 0 }

  constructor(private readonly options: GuardOptions) {
    this.maxStreams = Math.max(1, Math.floor(options.budget / 3))
  }

  get connections(): number {
    return this.conns.size
  }

  /** Whether the connection may go on to the HTTP parser; a refused one is answered and closed here. */
  admit(socket: Socket): boolean {
    const address = plainAddress(socket.remoteAddress ?? '')
    if (!this.options.allow.allows(address)) {
      this.counts.refusedAddress++
      this.refuse(socket, address, 403, 'this address may not use this server (bai-seed serve --allow)', 'address')
      return false
    }
    if ((this.byAddress.get(address) ?? 0) >= this.options.perAddress) {
      this.counts.refusedPerAddress++
      this.refuse(socket, address, 503, 'too many connections from this address', 'per-address')
      return false
    }
    if (!this.makeRoom()) {
      this.counts.refusedFull++
      this.refuse(socket, address, 503, 'server busy, try again', 'full')
      return false
    }
    const conn: Conn = { socket, address, busy: 0 }
    this.conns.set(socket, conn)
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1)
    socket.once('close', () => {
      this.conns.delete(socket)
      const n = (this.byAddress.get(address) ?? 1) - 1
      if (n > 0) this.byAddress.set(address, n)
      else this.byAddress.delete(address)
    })
    return true
  }

  /** A request is in progress on the socket (true) or has been answered (false). */
  setBusy(socket: Socket, busy: boolean): void {
    const conn = this.conns.get(socket)
    if (conn) conn.busy = Math.max(0, conn.busy + (busy ? 1 : -1))
  }

  /**
   * A slot for one open file streamed to `socket`; null when there is none (answer 503). `progress()` says a chunk went
   * out, `release()` gives the slot back.
   */
  openStream(socket: Socket): { progress(): void; release(): void } | null {
    if ((this.streams.size >= this.maxStreams && !this.evictStalled()) || !this.makeRoom()) {
      this.counts.refusedStream++
      return null
    }
    const stream: Stream = { socket, progressAt: performance.now() }
    this.streams.add(stream)
    return {
      progress: () => {
        stream.progressAt = performance.now()
      },
      release: () => {
        this.streams.delete(stream)
      },
    }
  }

  /** Closes idle connections until one more descriptor fits in the budget; false when every connection is busy. */
  private makeRoom(): boolean {
    while (this.conns.size + this.streams.size + this.lingering >= this.options.budget) if (!this.evictIdle()) return false
    return true
  }

  private evictIdle(): boolean {
    for (const conn of this.conns.values()) {
      if (conn.busy > 0) continue
      this.counts.evictedIdle++
      this.conns.delete(conn.socket)
      conn.socket.destroy()
      return true
    }
    return false
  }

  private evictStalled(): boolean {
    const now = performance.now()
    let oldest: Stream | undefined
    for (const s of this.streams) if (!oldest || s.progressAt < oldest.progressAt) oldest = s
    if (!oldest || now - oldest.progressAt < STALLED_MS) return false
    this.counts.evictedStalled++
    this.streams.delete(oldest)
    oldest.socket.destroy()
    return true
  }

  private refuse(socket: Socket, address: string, status: 403 | 503, message: string, why: string): void {
    const body = `${status} ${message}\n`
    const head =
      `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n` +
      (status === 503 ? 'retry-after: 5\r\n' : '') +
      '\r\n'
    socket.on('error', () => {})
    this.options.log({ time: new Date(), client: address, method: '-', path: '-', status, bytes: Buffer.byteLength(body), node: null, refused: why })
    // Read what the client sends meanwhile (closing with unread bytes would reset the connection before the client
    // reads the answer), for a moment only, and only for a few refused connections at a time.
    const linger = this.lingering < MAX_LINGERING
    socket.end(head + body, () => {
      if (!linger) socket.destroy()
    })
    if (!linger) return
    this.lingering++
    socket.resume()
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    socket.once('close', () => {
      clearTimeout(timer)
      this.lingering--
    })
  }
}

/** The budget of descriptors for connections and files: the open-file limit less what is open now and a reserve. */
export function descriptorBudget(): number {
  const limit = openFileLimit()
  if (limit === null) return 100_000
  return Math.max(8, limit - openFileCount() - FD_RESERVE)
}
