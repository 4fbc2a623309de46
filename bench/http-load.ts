// A load client for the serve benchmark, run as its own process (so it does not share the server's event loop):
//   node dist/bench/http-load.js URL keepalive|new CONCURRENCY SECONDS
//     -> {"requests":N,"errors":N,"bytes":N,"seconds":S} on stdout (GETs of URL, bodies read and dropped)
//   node dist/bench/http-load.js URL download CLIENTS
//     -> the same, each client downloading the whole file once
import { Agent, get } from 'node:http'

const [url, mode, countText, secondsText] = process.argv.slice(2) as [string, string, string, string | undefined]
const count = Number(countText)
let requests = 0
let errors = 0
let bytes = 0
const started = process.hrtime.bigint()
const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9

function once(agent: Agent | false): Promise<void> {
  return new Promise((resolve) => {
    const req = get(url, { agent }, (res) => {
      res.on('data', (c: Buffer) => {
        bytes += c.length
      })
      res.on('end', () => {
        if (res.statusCode === 200) requests++
        else errors++
        resolve()
      })
      res.on('error', () => {
        errors++
        resolve()
      })
    })
    req.on('error', () => {
      errors++
      resolve()
    })
  })
}

async function main(): Promise<void> {
  if (mode === 'download') {
    await Promise.all(Array.from({ length: count }, () => once(false)))
  } else {
    const seconds = Number(secondsText ?? 3)
    const agent = mode === 'keepalive' ? new Agent({ keepAlive: true, maxSockets: count }) : false
    await Promise.all(
      Array.from({ length: count }, async () => {
        while (elapsed() < seconds) await once(agent)
      }),
    )
    if (agent) agent.destroy()
  }
  process.stdout.write(JSON.stringify({ requests, errors, bytes, seconds: elapsed() }) + '\n')
}

await main()
