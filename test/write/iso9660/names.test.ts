// Level 1 fallback names (ECMA-119 7.5, 10.1), Joliet names, uniqueness within a folder, and 9.3 ordering.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { JOLIET_MAX_UNITS, cutUnits, jolietNames, jolietSafe, ucs2 } from '../../../src/write/iso9660/joliet-names.js'
import { level1Names } from '../../../src/write/iso9660/level1-names.js'
import { compareOrderKeys } from '../../../src/write/iso9660/record-order.js'

const files = (...names: string[]) => names.map((name) => ({ name, isDir: false }))
const l1 = (entries: { name: string; isDir: boolean }[]): string[] => level1Names(entries).map((n) => n.identifier)
const jo = (entries: { name: string; isDir: boolean }[]): string[] => jolietNames(entries).map((n) => n.text)

test('level 1: 8.3 d-characters, upper case, separator and version ";1" on files', () => {
  assert.equal(l1(files('user-data', 'meta-data', 'network-config', 'file.txt', 'archive.tar.gz')), [
    'USER_DAT.;1',
    'META_DAT.;1',
    'NETWORK_.;1',
    'FILE.TXT;1',
    'ARCHIVE_.GZ;1',
  ])
  assert.equal(l1(files('.hidden', '...', 'ünï.yaml', '😀')), ['HIDDEN.;1', '_.;1', '_N_.YAM;1', '_1.;1'])
  assert.equal(l1([{ name: 'same.name', isDir: true }, { name: 'a-very-long-folder', isDir: true }]), ['SAME_NAM', 'A_VERY_L'])
})

test('level 1: collisions get a decimal suffix, names already valid keep theirs', () => {
  assert.equal(l1(files('README', 'readme')), ['README.;1', 'README1.;1'])
  // "FILE_A" is already a level 1 name, so it keeps it even when listed after the name that maps onto it.
  assert.equal(l1(files('file_a', 'FILE_A')), ['FILE_A1.;1', 'FILE_A.;1'])
  // A file "FOO." and a folder "FOO" would look alike once the separator is dropped.
  assert.equal(l1([{ name: 'foo', isDir: false }, { name: 'FOO', isDir: true }]), ['FOO1.;1', 'FOO'])
  assert.equal(l1(files('abcdefgh1', 'abcdefgh2', 'abcdefgh3')), ['ABCDEFGH.;1', 'ABCDEFG1.;1', 'ABCDEFG2.;1'])
})

test('level 1: 2000 similar names are all unique and valid', () => {
  const names = l1(files(...Array.from({ length: 2000 }, (_, i) => `file-${String(i).padStart(4, '0')}.txt`)))
  assert.is(new Set(names).size, 2000)
  for (const n of names) assert.match(n, /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/)
})

test('Joliet: names up to 64 units kept as they are, forbidden characters replaced', () => {
  assert.equal(jo(files('user-data', 'ünïcödé-ファイル.txt', 'a:b', 'c;d*e?f\\g')), [
    'user-data',
    'ünïcödé-ファイル.txt',
    'a_b',
    'c_d_e_f_g',
  ])
  assert.is(jolietSafe('a\u0001b'), 'a_b')
  assert.is(jolietSafe('\ud800x'), '_x') // an unpaired surrogate is not UTF-16
  assert.is(jolietSafe('😀'), '😀')
})

test('Joliet: long names cut to 64 units, extension kept, surrogate pairs never split', () => {
  const long = 'x'.repeat(70) + '.yaml'
  assert.equal(jo(files(long)), ['x'.repeat(59) + '.yaml'])
  assert.equal(jo(files('😀'.repeat(40))), ['😀'.repeat(32)])
  const odd = jo(files('a' + '😀'.repeat(40)))[0]
  assert.is(odd, 'a' + '😀'.repeat(31))
  assert.is(odd.length, 63)
  assert.is(cutUnits('ab😀', 3), 'ab')
  // An "extension" longer than 16 units is part of the name.
  assert.is(jo(files('y'.repeat(50) + '.' + 'z'.repeat(30)))[0], 'y'.repeat(50) + '.' + 'z'.repeat(13))
})

test('Joliet: names that meet after cutting or replacing get ~N, still within 64 units', () => {
  const a = 'p'.repeat(80) + '-a.txt'
  const b = 'p'.repeat(80) + '-b.txt'
  assert.equal(jo(files(a, b)), ['p'.repeat(60) + '.txt', 'p'.repeat(58) + '~1.txt'])
  assert.equal(jo(files('a:b', 'a?b', 'a_b')), ['a_b~1', 'a_b~2', 'a_b'])
  const many = jo(files(...Array.from({ length: 150 }, (_, i) => 'q'.repeat(70) + String(i))))
  assert.is(new Set(many).size, 150)
  for (const n of many) assert.ok(n.length <= JOLIET_MAX_UNITS)
  const emoji = jo(files('😀'.repeat(40) + 'a', '😀'.repeat(40) + 'b'))
  assert.equal(emoji, ['😀'.repeat(32), '😀'.repeat(31) + '~1'])
})

test('UCS-2 big-endian identifiers, astral characters as surrogate pairs', () => {
  assert.is(ucs2('aé😀').toString('hex'), '0061' + '00e9' + 'd83dde00')
})

test('9.3 order: name before extension, shorter names padded with spaces', () => {
  const ids = ['A_.;1', 'AB.C;1', 'A.CD;1', 'A.;1', 'B', 'A0']
  const keys = level1Names(ids.map((name) => ({ name: name.replace(/;1$/, ''), isDir: !name.includes(';') })))
  const sorted = keys
    .map((k, i) => ({ k, id: ids[i] }))
    .sort((x, y) => compareOrderKeys(x.k.key, y.k.key))
    .map((x) => x.id)
  assert.equal(sorted, ['A.;1', 'A.CD;1', 'A0', 'AB.C;1', 'A_.;1', 'B'])
})

test.run()
