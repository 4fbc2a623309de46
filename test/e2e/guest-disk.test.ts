// The debugfs readers against a small image whose contents the test chose, so their parsing is checked without a VM.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeDiskImage } from './disk-image.js'
import { e2eWorkDir } from './e2e-paths.js'
import { GuestDisk, GuestPathMissing } from './guest-disk.js'

const work = e2eWorkDir('guest-disk')
const tree = join(work, 'tree')
rmSync(work, { recursive: true, force: true })
mkdirSync(join(tree, 'etc/sub'), { recursive: true })
mkdirSync(join(tree, 'home/bai'), { recursive: true })
writeFileSync(join(tree, 'etc/hello.conf'), 'key=value\nsecond line\n')
chmodSync(join(tree, 'etc/hello.conf'), 0o640)
chownSync(join(tree, 'home/bai'), 1100, 1100)
chmodSync(join(tree, 'home/bai'), 0o2750)
makeDiskImage(tree, join(work, 'disk.img'), '16M')
const disk = new GuestDisk(join(work, 'disk.img'))

test('readFile returns the exact bytes', () => {
  assert.is(disk.readFile('/etc/hello.conf'), 'key=value\nsecond line\n')
})

test('stat gives type, owner, permission bits and size', () => {
  assert.equal(disk.stat('/etc/hello.conf'), { type: 'regular', uid: 0, gid: 0, mode: 0o640, size: 22 })
  const home = disk.stat('/home/bai')
  assert.equal([home.type, home.uid, home.gid, home.mode], ['directory', 1100, 1100, 0o2750])
})

test('exists tells files and folders from missing paths', () => {
  assert.ok(disk.exists('/etc/sub'))
  assert.ok(disk.exists('/etc/hello.conf'))
  assert.not.ok(disk.exists('/etc/nothing'))
  assert.not.ok(disk.exists('/nothing/deeper'))
})

test('list gives entries in name order without . and ..', () => {
  assert.equal(
    disk.list('/etc').map((e) => [e.name, e.mode.toString(8)]),
    [
      ['hello.conf', '100640'],
      ['sub', '40755'],
    ],
  )
  assert.equal(disk.list('/home'), [{ name: 'bai', uid: 1100, gid: 1100, mode: 0o42750 }])
})

test('reading a missing file throws GuestPathMissing', () => {
  assert.throws(() => disk.readFile('/etc/missing.conf'), (e: unknown) => e instanceof GuestPathMissing)
})

test('paths that debugfs would need quoted are refused', () => {
  assert.throws(() => disk.readFile('/etc/with space'), /not supported/)
  assert.throws(() => disk.readFile('relative/path'), /not supported/)
})

test.run()
