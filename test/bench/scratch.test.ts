// `npm run bench -- --scratch DIR` works in a folder of its own inside DIR and removes only that (issue 19): DIR may
// be /dev/shm or a home folder holding other programs' files.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { outputDir, removeScratch, scratchRoot, setScratchParent } from '../../bench/lib/scratch.js'

test('the scratch folder is a new one inside --scratch; only it is removed', () => {
  const parent = tempDir('scratch-parent')
  writeFileSync(join(parent, 'other-program.dat'), 'keep\n')
  setScratchParent(parent)
  const before = readdirSync(parent)
  const run = outputDir('render-10')
  assert.is(dirname(dirname(run)), parent)
  assert.match(basename(scratchRoot()), /^bai-seed-bench-\w{6}$/)
  writeFileSync(join(scratchRoot(), 'x'), 'y')
  assert.equal(readdirSync(parent).sort(), [...before, basename(scratchRoot())].sort())
  removeScratch()
  assert.equal(readdirSync(parent), before)
  assert.is(readFileSync(join(parent, 'other-program.dat'), 'utf8'), 'keep\n')
  assert.ok(existsSync(parent), 'the folder --scratch names stays')
})

test.run()
