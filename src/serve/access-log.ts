// One line per request: time, client, method, path, status, bytes of body sent, and the node the path belongs to,
// so that an operator sees which machine fetched its seed:
//   2026-11-28T12:00:00.000Z 10.20.30.20 GET /bai-a01/autoinstall/user-data 200 2345 node=bai-a01

export interface AccessLogEntry {
  time: Date
  client: string
  method: string
  path: string
  status: number
  bytes: number
  node: string | null
}

/** Request targets come from the network: anything outside printable ASCII is percent-escaped in the log. */
function printable(text: string): string {
  return text.replace(/[^\u0021-\u007e]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

export function formatAccessLog(e: AccessLogEntry): string {
  return `${e.time.toISOString()} ${printable(e.client)} ${printable(e.method)} ${printable(e.path)} ${e.status} ${e.bytes} node=${e.node ?? '-'}`
}
