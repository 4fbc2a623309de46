// POST /pxe/done/<hostname>/<token>: a node's installer reports its finished install (the autoinstall late-command
// reads the URL from bai_seed.done= on its kernel command line). With the node's token (node-token.ts) the install
// marker out/pxe/installed/01-<mac> is written, and every boot loader boots that machine from its local disk from
// then on. Anything else is refused; nothing but the marker is ever written.
import { readNodeKey, tokenMatches } from './node-token.js'
import { markInstalled, readPxeNodes } from '../write/pxe-state.js'
import { PXE_DIR } from '../render/pxe/render-pxe.js'

export type DoneOutcome = { status: 200 | 403 | 404; message: string; node: string | null }

/** null when the path is not a report; otherwise what to answer. `segments` are the decoded path segments. */
export function pxeDoneTarget(segments: readonly string[]): { hostname: string; token: string } | null {
  if (segments.length !== 4 || segments[0] !== PXE_DIR || segments[1] !== 'done') return null
  return { hostname: segments[2]!, token: segments[3]! }
}

export function reportDone(root: string, hostname: string, token: string): DoneOutcome {
  const nodes = readPxeNodes(root)
  const node = nodes?.find((n) => n.hostname === hostname)
  if (!node) return { status: 404, message: 'no such node in pxe/nodes.json', node: null }
  const key = readNodeKey(root)
  if (!key || !tokenMatches(key, 'pxe-done', hostname, token)) return { status: 403, message: 'wrong token', node: hostname }
  markInstalled(root, node)
  return { status: 200, message: `${hostname} (${node.mac}) boots from its local disk from now on`, node: hostname }
}
