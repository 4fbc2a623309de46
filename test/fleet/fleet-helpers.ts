// Shared by the fleet tests: a node's report token, raw HTTP posts, and provision.sh-shaped events.
import { request } from 'node:http'
import { readOrCreateNodeKey, nodeToken } from '../../src/serve/node-token.js'

export function reportPath(out: string, host: string): string {
  return `/report/${host}/${nodeToken(readOrCreateNodeKey(out), 'report', host)}`
}

/** A raw POST (fetch would normalise the path, which is exactly what must be tried). */
export function post(port: number, path: string, body: string | Buffer, headers: Record<string, string | number> = {}): Promise<{ status: number; body: string }> {
  const all: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }
  // An empty value leaves the header out (a chunked body has no length).
  for (const k of Object.keys(all)) if (all[k] === '') delete all[k]
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: all }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

export const ev = (kind: string, more: Record<string, unknown> = {}): string => JSON.stringify({ origin: 'bai-seed', kind, ...more })

/** The events of a whole provision.sh run over `steps`, failing at `failAt` when given. */
export function runEvents(steps: string[], failAt?: string, log?: string): string[] {
  const out = [ev('run-start', { steps })]
  let done = 0
  for (const id of steps) {
    out.push(ev('step-start', { step: id, expect: 600, done, total: steps.length }))
    if (id === failAt) {
      out.push(ev('step-failed', { step: id, message: `${id} broke`, log, done, total: steps.length }))
      out.push(ev('run-result', { result: 'failed', done, total: steps.length }))
      return out
    }
    out.push(ev('step-done', { step: id, done: ++done, total: steps.length }))
  }
  out.push(ev('run-result', { result: 'complete', done, total: steps.length, facts: { gpus: [{ model: 'Fixture GPU', uuid: 'GPU-1' }] } }))
  return out
}
