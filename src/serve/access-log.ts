// One line per request: time, client, method, path, status, bytes of body sent, the node the path belongs to (so
// that an operator sees which machine fetched its seed), the rule that let it through, and `aborted` when the client
// went away before the end:
//   2026-11-28T12:00:00.000Z 10.20.30.20 GET /bai-a01/-/autoinstall/user-data 200 2345 node=bai-a01 allow=token
// Tokens are never logged: a token segment shows as `-`. A connection refused before its request was read (an address
// not allowed, too many connections) logs `- -` for method and path and says why: `refused=address`.

export interface AccessLogEntry {
  time: Date
  client: string
  method: string
  path: string
  status: number
  bytes: number
  node: string | null
  /** Which rule served the file: `token` (the node's own token), `public` (readable by others); absent when refused. */
  allow?: 'token' | 'public'
  /** false when the body was cut short (the client went away). */
  complete?: boolean
  /** Why a connection or request was refused before its file was looked at (address, per-address, full, guesses, ...). */
  refused?: string
}

/** Request targets come from the network: anything outside printable ASCII is percent-escaped in the log. */
function printable(text: string): string {
  return text.replace(/[^\u0021-\u007e]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

export function formatAccessLog(e: AccessLogEntry): string {
  return `${e.time.toISOString()} ${printable(e.client)} ${printable(e.method)} ${printable(e.path)} ${e.status} ${e.bytes} node=${e.node ?? '-'}${e.allow ? ` allow=${e.allow}` : ''}${e.complete === false ? ' aborted' : ''}${e.refused ? ` refused=${printable(e.refused)}` : ''}`
}
