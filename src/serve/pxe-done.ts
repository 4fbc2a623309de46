// POST /pxe/done/<hostname>/<token>: a node's installer reports its finished install (the autoinstall late-command
// reads the URL from bai_seed.done= on its kernel command line). With the node's token (node-token.ts) the install
// marker out/pxe/installed/01-<mac> is recorded (markInstalled, pxe-state.ts: under the output folder's lock, never
// through a planted link), and every boot loader boots that machine from its local disk from then on. A report is
// acknowledged (200) only once the marker is on disk; when it cannot be (a `bai-seed pxe` holding the folder for
// longer than the wait, a planted link) the answer is 503, and the installer's curl tries again.
import { readNodeKey, tokenMatches } from './node-token.js'
import { markInstalled, readPxeNodes } from '../write/pxe-state.js'
import { PXE_DIR } from '../render/pxe/render-pxe.js'
import type { PxeNodeEntry } from '../render/pxe/render-pxe.js'
import type { Route } from './routes.js'

export type DoneOutcome = { status: 200 | 403 | 404 | 503; message: string; node: string | null; installed?: PxeNodeEntry; tokenRefused?: boolean }

/** null when the path is not a report; otherwise what to answer. `segments` are the decoded path segments. */
export function pxeDoneTarget(segments: readonly string[]): { hostname: string; token: string } | null {
  if (segments.length !== 4 || segments[0] !== PXE_DIR || segments[1] !== 'done') return null
  return { hostname: segments[2]!, token: segments[3]! }
}

export async function reportDone(root: string, hostname: string, token: string, lockWaitMs?: number): Promise<DoneOutcome> {
  const nodes = readPxeNodes(root)
  const node = nodes?.find((n) => n.hostname === hostname)
  if (!node) return { status: 404, message: 'no such node in pxe/nodes.json', node: null }
  const key = readNodeKey(root)
  if (!key || !tokenMatches(key, 'pxe-done', hostname, token)) return { status: 403, message: 'wrong token', node: hostname, tokenRefused: true }
  try {
    await markInstalled(root, node, lockWaitMs)
  } catch {
    return { status: 503, message: 'not recorded now (another bai-seed run holds the folder, or the path is unsafe); try again', node: hostname }
  }
  return { status: 200, message: `${hostname} (${node.mac}) boots from its local disk from now on`, node: hostname, installed: node }
}

/** The route of the report (static-server.ts ROUTES). */
export const pxeDoneRoute: Route = {
  method: 'POST',
  match: (segments) => pxeDoneTarget(segments) !== null,
  logPath: (segments) => `/${segments.slice(0, 3).map(encodeURIComponent).join('/')}/-`,
  async handle(ctx) {
    ctx.req.resume()
    const done = pxeDoneTarget(ctx.segments)!
    if (ctx.tokens.blocked(ctx.client)) {
      ctx.log.refused = 'guesses'
      return ctx.reply(429, 'too many wrong tokens from this address; wait a minute', { 'retry-after': '60' })
    }
    const outcome = await reportDone(ctx.root, done.hostname, done.token)
    ctx.log.node = outcome.node
    if (outcome.tokenRefused) {
      ctx.tokens.failed(ctx.client)
      ctx.log.refused = 'token'
    }
    if (outcome.status === 503) ctx.log.refused = 'unrecorded'
    if (outcome.installed) {
      ctx.installed.add(outcome.installed.hostname)
      ctx.tokens.release(outcome.installed.hostname)
    }
    ctx.reply(outcome.status, outcome.message, outcome.status === 503 ? { 'retry-after': '5' } : {})
  },
}
