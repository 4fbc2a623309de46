// Download progress of a payload build: while a tool fills a folder, one line with the bytes gained since the start
// against the estimate, rewritten while the work runs and cleared when it ends (also when it fails).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { folderBytes, withProgress } from '../../src/payload/progress.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

test('the bytes a folder gains while the work runs, against the total; cleared at the end', async () => {
  const dir = tempDir('progress')
  mkdirSync(join(dir, 'partial'))
  writeFileSync(join(dir, 'old.deb'), Buffer.alloc(4096))
  const lines: (string | null)[] = []
  const result = await withProgress((l) => lines.push(l), 'apt debian-bookworm', [dir], 3 * 1024 * 1024, async () => {
    for (let i = 1; i <= 3; i++) {
      writeFileSync(join(dir, 'partial', `p${i}.deb`), Buffer.alloc(1024 * 1024))
      await sleep(120)
    }
    return 'done'
  }, 40)
  assert.is(result, 'done')
  assert.is(lines[0], 'apt debian-bookworm: 0.0 KiB of 3.0 MiB')
  assert.is(lines.at(-1), null)
  const shown = lines.slice(0, -1) as string[]
  assert.ok(shown.includes('apt debian-bookworm: 2.0 MiB of 3.0 MiB'), shown.join('\n'))
  const bytes = shown.map((l) => Number(/: ([\d.]+) (KiB|MiB)/.exec(l)![1]) * (l.includes(' MiB of') ? 1024 : 1))
  assert.equal([...bytes].sort((a, b) => a - b), bytes, 'the count never goes back')
})

test('a failing work still clears the line; no line at all without a terminal', async () => {
  const lines: (string | null)[] = []
  let error: unknown
  await withProgress((l) => lines.push(l), 'images', [tempDir('progress')], 0, async () => {
    throw new Error('skopeo failed')
  }).catch((e) => (error = e))
  assert.match(String(error), 'skopeo failed')
  assert.equal(lines, ['images: 0.0 KiB', null])
  assert.is(await withProgress(undefined, 'images', ['/nonexistent'], 0, async () => 7), 7)
  assert.is(folderBytes('/nonexistent'), 0)
})

test.run()
