// The render progress line: shown on a terminal only, not before the first second, throttled, cleared at the end.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { progressLine } from '../../src/cli/progress.js'

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = []
  const stream = { isTTY, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream
  return { stream, written }
}

test('on a terminal: nothing in the first second, then done/total and rate, throttled, cleared at the end', () => {
  let t = 0
  const { stream, written } = fakeStream(true)
  const p = progressLine(stream, 'rendered', () => t)
  t = 500
  p.update(10, 10000)
  assert.equal(written, [])
  t = 2000
  p.update(4200, 10000)
  assert.equal(written, ['\r\x1b[Krendered 4,200/10,000 nodes, 2,100 nodes/s'])
  t = 2100
  p.update(4300, 10000)
  assert.is(written.length, 1, 'throttled')
  t = 2500
  p.update(10000, 10000)
  assert.is(written[1], '\r\x1b[Krendered 10,000/10,000 nodes, 4,000 nodes/s')
  p.end()
  assert.is(written[2], '\r\x1b[K')
})

test('not a terminal (pipe, file, CI): quiet', () => {
  let t = 0
  const { stream, written } = fakeStream(false)
  const p = progressLine(stream, 'rendered', () => t)
  t = 5000
  p.update(5000, 10000)
  p.end()
  assert.equal(written, [])
})

test.run()
