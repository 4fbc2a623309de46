// --split: chunks of the payload image with an index and join.sh. The joined file has the same bytes (sha256) as the
// image; a missing or altered chunk is named and nothing is joined; a re-split of the same image leaves every chunk
// untouched, and a change rewrites only the chunks it falls in. The manifest's format and the size flag, table-driven.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { run } from '../helpers/tools.js'
import { splitFile } from '../../src/payload/split.js'
import { parseSize } from '../../src/payload/size.js'
import { manifestDigest, manifestOf, manifestText, parseManifest } from '../../src/payload/manifest.js'
import { InputError } from '../../src/diagnostics/errors.js'

const MiB = 1024 * 1024
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

test('split and join.sh: the joined image has the same sha256; a missing or altered chunk is named', () => {
  const dir = tempDir('split')
  const image = join(dir, 'payload.iso')
  const data = randomBytes(3 * MiB + 12345)
  writeFileSync(image, data)
  const out = join(dir, 'split')
  const r = splitFile(image, MiB, out)
  assert.equal(r.chunks.map((c) => [c.name, c.size]), [
    ['payload.iso.001', MiB],
    ['payload.iso.002', MiB],
    ['payload.iso.003', MiB],
    ['payload.iso.004', 12345],
  ])
  assert.is(r.sha256, sha(data))
  const joined = join(dir, 'joined.iso')
  let j = run('bash', [r.join, joined])
  assert.is(j.status, 0, j.stderr)
  assert.is(sha(readFileSync(joined)), sha(data))
  assert.match(j.stdout, `joined ${joined} (${data.length} bytes, sha256 ${sha(data)})`)
  // A missing chunk: named, nothing written.
  rmSync(joined)
  const third = join(out, 'payload.iso.003')
  const saved = readFileSync(third)
  rmSync(third)
  j = run('bash', [r.join, joined])
  assert.is(j.status, 1)
  assert.match(j.stderr, 'join.sh: cannot join payload.iso: chunk payload.iso.003 (missing)')
  assert.not.ok(existsSync(joined) || existsSync(`${joined}.part`))
  // An altered chunk: named too.
  const bad = Buffer.from(saved)
  bad[100] = bad[100]! ^ 0xff
  writeFileSync(third, bad)
  j = run('bash', [r.join, joined])
  assert.is(j.status, 1)
  assert.match(j.stderr, 'chunk payload.iso.003 (altered: its sha256 differs)')
  writeFileSync(third, saved)
  assert.is(run('bash', [r.join, joined]).status, 0)
})

test('a re-split of the same image touches no chunk; a changed byte rewrites only its chunk; fewer chunks remove the rest', () => {
  const dir = tempDir('resplit')
  const image = join(dir, 'payload.iso')
  const data = randomBytes(3 * MiB)
  writeFileSync(image, data)
  const out = join(dir, 'split')
  splitFile(image, MiB, out)
  const mtimes = (): number[] => ['001', '002', '003'].map((n) => statSync(join(out, `payload.iso.${n}`)).mtimeMs)
  const before = mtimes()
  const until = Date.now() + 20
  while (Date.now() < until) {
    /* let the clock move past the first write */
  }
  splitFile(image, MiB, out)
  assert.equal(mtimes(), before)
  data[MiB + 5] = data[MiB + 5]! ^ 1
  writeFileSync(image, data)
  splitFile(image, MiB, out)
  const after = mtimes()
  assert.is(after[0], before[0])
  assert.ok(after[1]! > before[1]!)
  assert.is(after[2], before[2])
  writeFileSync(image, data.subarray(0, MiB))
  splitFile(image, MiB, out)
  assert.not.ok(existsSync(join(out, 'payload.iso.002')))
})

test('--split sizes: table', () => {
  const cases: [string, number | null][] = [
    ['700M', 700 * MiB],
    ['4G', 4 * 1024 * MiB],
    ['4.5G', Math.floor(4.5 * 1024 * MiB)],
    ['1048576', MiB],
    ['2MiB', 2 * MiB],
    ['1023K', null],
    ['0', null],
    ['lots', null],
    ['-5M', null],
  ]
  for (const [text, want] of cases) {
    if (want === null) assert.throws(() => parseSize(text), (e: unknown) => e instanceof InputError && /--split/.test((e as Error).message), text)
    else assert.is(parseSize(text), want, text)
  }
})

test('manifest: sha256, size and path of every file, sorted; the digest changes with any byte', async () => {
  const tree = join(tempDir('manifest'), 'tree')
  mkdirSync(join(tree, 'b'), { recursive: true })
  writeFileSync(join(tree, 'b', 'x.deb'), 'xx')
  writeFileSync(join(tree, 'a.txt'), 'a')
  writeFileSync(join(tree, 'manifest.txt'), 'not listed')
  const text = manifestText(await manifestOf(tree))
  assert.is(
    text,
    '# bai-seed payload manifest 1: sha256, size in bytes and path of every file of the payload\n' +
      `${sha(Buffer.from('a'))}  1  a.txt\n${sha(Buffer.from('xx'))}  2  b/x.deb\n`,
  )
  assert.equal(parseManifest(text).map((e) => e.path), ['a.txt', 'b/x.deb'])
  writeFileSync(join(tree, 'b', 'x.deb'), 'xy')
  const text2 = manifestText(await manifestOf(tree))
  assert.is.not(manifestDigest(text2), manifestDigest(text))
  writeFileSync(join(tree, 'with space'), '')
  try {
    await manifestOf(tree)
    assert.unreachable('a path with white space was listed')
  } catch (e) {
    assert.match((e as Error).message, 'a payload path may not hold white space')
  }
})

test.run()
