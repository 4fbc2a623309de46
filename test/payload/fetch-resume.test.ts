// A payload download cut short leaves <dest>.part; the next run asks only for the rest (Range) and appends it, or
// takes the whole file again when the server ignores Range. The result is byte-identical to the served file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { fetchToFile } from '../../src/payload/fetch-url.js'

const body = randomBytes(1024 * 1024)
const seen: { range: string | undefined; status: number; bytes: number }[] = []
let honourRange = true
let server: Server
let url = ''

test.before(async () => {
  server = createServer((req, res) => {
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (m && honourRange) {
      const from = Number(m[1])
      const rest = body.subarray(from)
      seen.push({ range: req.headers.range, status: 206, bytes: rest.length })
      res.writeHead(206, { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}`, 'content-length': rest.length })
      res.end(rest)
    } else {
      seen.push({ range: req.headers.range, status: 200, bytes: body.length })
      res.writeHead(200, { 'content-length': body.length })
      res.end(body)
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cpython.tar.gz`
})

test.after(() => new Promise<void>((r) => server.close(() => r())))

test('no .part: one plain GET of the whole file', async () => {
  const dest = join(tempDir('resume'), 'a.tar.gz')
  seen.length = 0
  await fetchToFile(url, dest, { ca: [] })
  assert.ok(readFileSync(dest).equals(body))
  assert.equal(seen, [{ range: undefined, status: 200, bytes: body.length }])
  assert.not.ok(existsSync(`${dest}.part`))
})

test('a .part of an interrupted run: only the rest is asked for and appended', async () => {
  const dest = join(tempDir('resume'), 'a.tar.gz')
  writeFileSync(`${dest}.part`, body.subarray(0, 300 * 1024))
  seen.length = 0
  await fetchToFile(url, dest, { ca: [] })
  assert.ok(readFileSync(dest).equals(body))
  assert.equal(seen, [{ range: `bytes=${300 * 1024}-`, status: 206, bytes: body.length - 300 * 1024 }])
})

test('a server that ignores Range: the whole file again, the .part written anew', async () => {
  const dest = join(tempDir('resume'), 'a.tar.gz')
  writeFileSync(`${dest}.part`, Buffer.from('not the start of the file'))
  honourRange = false
  seen.length = 0
  try {
    await fetchToFile(url, dest, { ca: [] })
  } finally {
    honourRange = true
  }
  assert.ok(readFileSync(dest).equals(body))
  assert.is(seen[0]!.status, 200)
})

test.run()
