// The seed ISOs `render` writes: present per node, listed in the manifest, read by independent tools (bsdtar
// extraction equals the folder byte for byte, blkid sees the cidata label), skipped with --no-iso.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, existsSync, readdirSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { requireTool, run } from '../helpers/tools.js'

const out = join(tempDir('iso'), 'out')
const rendered = runCli(['render', '-c', exampleInventory, '-o', out])

test('render writes both seed ISOs per node and lists them in the manifest', () => {
  assert.is(rendered.status, 0, rendered.stderr)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  const paths = manifest.files.map((f: { path: string }) => f.path)
  for (const host of ['bai-m1', 'bai-a01', 'bai-a02']) {
    for (const iso of ['autoinstall.iso', 'cloud-init.iso']) assert.ok(paths.includes(`${host}/${iso}`), `${host}/${iso}`)
  }
})

for (const folder of ['autoinstall', 'cloud-init']) {
  test(`${folder}.iso: bsdtar extracts exactly the ${folder}/ folder; blkid sees LABEL="cidata" TYPE="iso9660"`, () => {
    requireTool('bsdtar')
    requireTool('blkid')
    const iso = join(out, 'bai-a01', `${folder}.iso`)
    const dest = tempDir('x')
    mkdirSync(dest, { recursive: true })
    const x = run('bsdtar', ['-xf', iso, '-C', dest])
    assert.is(x.status, 0, x.stderr)
    const src = join(out, 'bai-a01', folder)
    assert.equal(readdirSync(dest).sort(), readdirSync(src).sort())
    for (const f of readdirSync(src)) assert.ok(readFileSync(join(dest, f)).equals(readFileSync(join(src, f))), f)
    const b = run('blkid', [iso])
    assert.match(b.stdout, /LABEL="cidata" TYPE="iso9660"/)
  })
}

test('--no-iso skips them', () => {
  const o = join(tempDir('noiso'), 'out')
  const r = runCli(['render', '-c', exampleInventory, '-o', o, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  assert.ok(existsSync(join(o, 'bai-a01', 'provision.sh')))
  assert.not.ok(existsSync(join(o, 'bai-a01', 'cloud-init.iso')))
})

test.run()
