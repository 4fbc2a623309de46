// Golden files: the text artifacts of the bundled example and of the single-node fixture, byte for byte. The
// gzip-compressed cloud-init/user-data is kept unpacked (reviewable), and compared unpacked.
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npm test -- golden   (then review the diff).
import { test } from 'uvu'
import { readUserData } from '../helpers/user-data.js'
import * as assert from 'uvu/assert'
import { readFileSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { repoRoot, exampleInventory, fixtures } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { load } from 'js-yaml'
import { listFiles } from '../../src/write/manifest.js'
import { writeFileText, type WriteFile } from '../helpers/write-files.js'

const cases = [
  { name: 'example', inventory: exampleInventory, env: {} },
  { name: 'single-node', inventory: join(fixtures, 'single-node.yaml'), env: { BAI_TEST_PASSWORD: 'correct horse battery staple' } },
  // One node per OS target (ubuntu-20.04, -22.04, -24.04).
  { name: 'targets', inventory: join(fixtures, 'targets.yaml'), env: {} },
  // GPU servers: NVSwitch board with MIG, DCGM and RDMA; PCIe server with DKMS; focal with the pinned package.
  { name: 'gpu', inventory: join(fixtures, 'gpu.yaml'), env: {} },
]

for (const c of cases) {
  test(`golden: ${c.name}`, async () => {
    const out = await renderFixture(c.inventory, { env: c.env })
    const goldenDir = join(repoRoot, 'test', 'golden', c.name)
    const files = (await listFiles(out)).map((f) => f.slice(out.length + 1))
    if (process.env.UPDATE_GOLDEN) {
      rmSync(goldenDir, { recursive: true, force: true })
      for (const f of files) {
        mkdirSync(dirname(join(goldenDir, f)), { recursive: true })
        writeFileSync(join(goldenDir, f), f.endsWith('/user-data') ? readUserData(join(out, f)) : readFileSync(join(out, f)))
      }
    }
    const expected = (await listFiles(goldenDir)).map((f) => f.slice(goldenDir.length + 1))
    assert.equal(files, expected, 'same set of files')
    for (const f of files) {
      assert.ok(existsSync(join(goldenDir, f)))
      const got = f.endsWith('/user-data') ? readUserData(join(out, f)) : readFileSync(join(out, f), 'utf8')
      assert.fixture(got, readFileSync(join(goldenDir, f), 'utf8'), f)
    }
  })
}

test('the plaintext password appears in no output, its hash does', async () => {
  const secret = 'correct horse battery staple'
  const out = await renderFixture(join(fixtures, 'single-node.yaml'), { env: { BAI_TEST_PASSWORD: secret } })
  let sawHash = false
  for (const f of await listFiles(out)) {
    let text = readFileSync(f, 'utf8')
    if (f.endsWith('/user-data')) {
      text = readUserData(f)
      // The compressed files inside too.
      const doc = load(text) as Record<string, any>
      const cc = doc.autoinstall ? doc.autoinstall['user-data'] : doc
      text += (cc.write_files as WriteFile[]).map(writeFileText).join('\n')
    }
    assert.not.ok(text.includes(secret), `${f} holds the plaintext`)
    assert.not.ok(text.includes('correct horse'), `${f} holds part of the plaintext`)
    if (/\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}/.test(text)) sawHash = true
  }
  assert.ok(sawHash, 'a SHA-512 crypt hash is written')
})

test.run()
