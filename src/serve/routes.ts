// The requests `bai-seed serve` answers with code rather than with a file: each route names its method and the paths
// it takes (decoded segments), and handles the request. static-server.ts tries its route table (ROUTES) in order
// before it looks for a file; adding an endpoint is one entry there and one file here in src/serve/ (or src/fleet/).
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { InstalledNodes } from './installed-nodes.js'
import type { TokenGuard } from './token-guard.js'

export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  /** The served folder (a real path). */
  root: string
  /** The decoded path segments, without empty ones. */
  segments: string[]
  /** The client's address (IPv4 as dotted quad also when the server listens on ::). */
  client: string
  /** Answers with a short plain-text body. */
  reply(status: number, message: string, headers?: Record<string, string>): void
  /** What the access-log line says about the request: the node it is about, why it was refused. */
  log: { node: string | null; refused?: string }
  tokens: TokenGuard
  installed: InstalledNodes
}

export interface Route {
  method: string
  /** Whether this route takes the path. */
  match(segments: readonly string[]): boolean
  /** The path as the access log shows it: tokens and other secrets replaced by `-`. */
  logPath(segments: readonly string[]): string
  handle(ctx: RouteContext): Promise<void>
}
