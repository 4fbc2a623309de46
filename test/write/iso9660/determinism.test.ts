// Same inputs, same bytes: across runs and processes, whatever the files' times on disk; SOURCE_DATE_EPOCH
// decides every date (blkid shows the volume creation date as the UUID).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeIso } from '../../../src/write/iso9660/index.js'
import { toolText } from './external-tools.js'
import { writeFixture } from './fixture-tree.js'

let work = ''
let src = ''

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'iso9660-determinism-'))
  src = join(work, 'src')
  await writeFixture(src, 50)
})

test.after(async () => {
  await rm(work, { recursive: true, force: true })
})

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex')

function writeInChild(outFile: string, env: NodeJS.ProcessEnv): void {
  const module = new URL('../../../src/write/iso9660/index.js', import.meta.url).href
  const script =
    `const { writeIso } = await import(${JSON.stringify(module)});` +
    `await writeIso({ sourceDir: ${JSON.stringify(src)}, outFile: ${JSON.stringify(outFile)} })`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env })
  assert.is(r.status, 0, r.stderr)
}

test('two writes of the same folder give the same sha256, file times on disk do not matter', async () => {
  await writeIso({ sourceDir: src, outFile: join(work, 'a.iso'), epoch: 1_700_000_000 })
  await utimes(join(src, 'user-data'), new Date('2001-02-03'), new Date('2001-02-03'))
  await writeIso({ sourceDir: src, outFile: join(work, 'b.iso'), epoch: 1_700_000_000 })
  assert.is(await sha256(join(work, 'a.iso')), await sha256(join(work, 'b.iso')))
})

test('SOURCE_DATE_EPOCH: honoured in other processes, same bytes as the explicit epoch', async () => {
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }
  writeInChild(join(work, 'c.iso'), env)
  writeInChild(join(work, 'd.iso'), env)
  const c = await sha256(join(work, 'c.iso'))
  assert.is(c, await sha256(join(work, 'd.iso')))
  assert.is(c, await sha256(join(work, 'a.iso')))
  assert.match(toolText('blkid', ['-c', '/dev/null', join(work, 'c.iso')]), /UUID="2023-11-14-22-13-20-00"/)
  writeInChild(join(work, 'e.iso'), { ...process.env, SOURCE_DATE_EPOCH: '1700000001' })
  assert.is.not(await sha256(join(work, 'e.iso')), c)
  assert.match(toolText('blkid', ['-c', '/dev/null', join(work, 'e.iso')]), /UUID="2023-11-14-22-13-21-00"/)
})

test.run()
