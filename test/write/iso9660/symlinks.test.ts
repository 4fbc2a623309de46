// Symbolic links in written images (Rock Ridge PX type S_IFLNK + SL): read back by xorriso, isoinfo, bsdtar and this
// project's own reader; Joliet leaves them out; targets long enough to need several SL entries and a CE area.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { tempDir } from '../../helpers/repo.js'
import { requireTool, run } from '../../helpers/tools.js'
import { layoutImage } from '../../../src/write/iso9660/layout.js'
import { writeImageFile } from '../../../src/write/iso9660/image-writer.js'
import { emptyDir, type IsoDirNode, type IsoSymlinkNode } from '../../../src/write/iso9660/tree.js'
import { readIso } from '../../../src/iso/read-iso.js'

const dir = tempDir('iso-symlinks')
const iso = join(dir, 'links.iso')
const LONG = `${'a'.repeat(300)}/${Array.from({ length: 80 }, (_, i) => `d${i}`).join('/')}`
const LINKS: [string, string, number][] = [
  ['ubuntu', '.', 0o777],
  ['dists/stable', 'focal', 0o555],
  ['dists/up', '../pool/x', 0o777],
  ['abs', '/usr/lib', 0o777],
  ['long', LONG, 0o777],
]

function link(path: string, target: string, mode: number): IsoSymlinkNode {
  return { type: 'symlink', name: Buffer.from(path.split('/').pop()!), mode, uid: 0, gid: 0, target: Buffer.from(target) }
}

test.before(async () => {
  for (const t of ['xorriso', 'isoinfo', 'bsdtar']) requireTool(t)
  const root: IsoDirNode = emptyDir(Buffer.alloc(0))
  const dists = emptyDir(Buffer.from('dists'))
  const focal = emptyDir(Buffer.from('focal'))
  root.children.set('dists', dists)
  dists.children.set('focal', focal)
  focal.children.set('Release', { type: 'file', name: Buffer.from('Release'), size: 3, mode: 0o644, uid: 0, gid: 0, source: { kind: 'data', data: Buffer.from('ok\n') } })
  for (const [path, target, mode] of LINKS) {
    const parent = path.includes('/') ? dists : root
    const node = link(path, target, mode)
    parent.children.set(node.name.toString('latin1'), node)
  }
  await writeImageFile(layoutImage(root, { volumeId: 'LINKS', epoch: 1700000000 }), iso)
})

test('xorriso -lsdl: every link with its target and mode', () => {
  const r = run('xorriso', ['-indev', iso, '-find', '/', '-type', 'l', '-exec', 'lsdl'])
  assert.is(r.status, 0, r.stderr)
  for (const [path, target, mode] of LINKS) {
    const perms = mode === 0o777 ? 'lrwxrwxrwx' : 'lr-xr-xr-x'
    assert.ok(r.stdout.includes(`'/${path}' -> '${target}'`), `${path}\n${r.stdout}`)
    assert.match(r.stdout, new RegExp(`^${perms} .*'/${path.replace('/', '\\/')}' ->`, 'm'))
  }
})

test('bsdtar -tv and isoinfo -R -l: the same links; Joliet has none', () => {
  const tar = run('bsdtar', ['-tvf', iso]).stdout
  for (const [path, target] of LINKS) assert.ok(tar.includes(`${path} -> ${target}\n`), `${path}\n${tar}`)
  const rr = run('isoinfo', ['-R', '-l', '-i', iso]).stdout
  for (const [path, target] of LINKS.filter(([p]) => p !== 'long')) assert.ok(rr.includes(`${path.split('/').pop()} -> ${target}`), `${path}\n${rr}`)
  const joliet = run('isoinfo', ['-J', '-f', '-i', iso]).stdout.trim().split('\n').sort()
  assert.equal(joliet, ['/dists', '/dists/focal', '/dists/focal/Release'])
})

test("the project's reader: links with targets and modes, as the remaster reads a base", () => {
  const read = readIso(iso).entries.filter((e) => e.type === 'symlink')
  assert.equal(
    read.map((e) => [e.path, e.type === 'symlink' ? e.target : '', e.type === 'symlink' ? e.mode : 0]).sort(),
    LINKS.map(([p, t, m]) => [p, t, m]).sort(),
  )
})

test.run()
