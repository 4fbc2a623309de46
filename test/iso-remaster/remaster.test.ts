// `bai-seed iso`: the remastered installer ISO of a fixture base ISO with Ubuntu 20.04's paths and boot layout, read
// back with the real tools: xorriso -report_el_torito / -report_system_area, isoinfo, fdisk. The boots in qemu are in
// test/e2e/installer-iso.test.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { requireTool, run } from '../helpers/tools.js'
import { buildUbuntu2004FixtureIso, FIXTURE_VOLUME_ID } from '../helpers/ubuntu-fixture-iso.js'

const dir = tempDir('iso-remaster')
const kernel = join(dir, 'vmlinuz')
const initrd = join(dir, 'initrd')
writeFileSync(kernel, Buffer.alloc(300_000, 1))
writeFileSync(initrd, Buffer.alloc(200_000, 2))
let base = ''

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

function isoinfo(iso: string, path: string): string {
  const r = run('isoinfo', ['-R', '-i', iso, '-x', path])
  assert.is(r.status, 0, r.stderr)
  return r.stdout
}

test.before(() => {
  for (const t of ['xorriso', 'isoinfo', 'fdisk', 'grub-mkstandalone', 'mkfs.vfat', 'mcopy']) requireTool(t)
  base = buildUbuntu2004FixtureIso({ dir, vmlinuz: kernel, initrd })
})

test('iso: every file kept, boot menus patched, the seed added; the same bytes twice', () => {
  const out = join(dir, 'out')
  const r = runCli(['iso', '--base', base, '-c', exampleInventory, '-o', out], { SOURCE_DATE_EPOCH: '1700000000' })
  assert.is(r.status, 0, r.stderr)
  const iso = join(out, 'installer', 'bai-example-autoinstall.iso')
  assert.match(r.stdout, /20\.04 layout/)
  assert.match(r.stdout, /for 3 node\(s\): bai-m1, bai-a01, bai-a02/)
  // The base's symbolic links are named, not silently lost.
  assert.match(r.stderr, /warning\[ISO\] symbolic link ubuntu -> \. of the base ISO is not copied/)

  const list = (i: string): string[] => run('isoinfo', ['-R', '-f', '-i', i]).stdout.trim().split('\n').sort()
  const before = list(base)
  const after = list(iso)
  assert.equal(before.filter((p) => !after.includes(p)).filter((p) => p !== '/ubuntu' && p !== '/dists/stable'), [], 'every file of the base is kept')
  for (const p of ['/nocloud/user-data', '/nocloud/meta-data', '/nocloud/select-node.sh', '/nocloud/nodes/bai-a01.yaml']) assert.ok(after.includes(p), p)
  for (const p of ['/casper/vmlinuz', '/casper/initrd', '/boot/grub/efi.img', '/EFI/BOOT/BOOTx64.EFI']) {
    assert.is(createHash('sha256').update(isoinfo(iso, p), 'latin1').digest('hex'), createHash('sha256').update(isoinfo(base, p), 'latin1').digest('hex'), p)
  }
  const txt = isoinfo(iso, '/isolinux/txt.cfg')
  assert.is((txt.match(/ autoinstall ds=nocloud;s=\/cdrom\/nocloud\/ ---/g) ?? []).length, 2, txt)
  const grub = isoinfo(iso, '/boot/grub/grub.cfg')
  assert.is((grub.match(/ autoinstall 'ds=nocloud;s=\/cdrom\/nocloud\/' ---/g) ?? []).length, 2, grub)
  assert.match(grub, /^set timeout=1$/m)
  assert.match(isoinfo(iso, '/isolinux/isolinux.cfg'), /^timeout 10$/m)
  assert.match(isoinfo(iso, '/nocloud/user-data'), /^#cloud-config\n/)
  assert.match(isoinfo(iso, '/nocloud/user-data'), /early-commands:\n\s+- - sh\n\s+- \/cdrom\/nocloud\/select-node\.sh/)
  const node = isoinfo(iso, '/nocloud/nodes/bai-a01.yaml')
  assert.match(node, /^version: 1$/m)
  assert.match(node, /hostname: bai-a01/)

  const again = join(dir, 'out2')
  assert.is(runCli(['iso', '--base', base, '-c', exampleInventory, '-o', again], { SOURCE_DATE_EPOCH: '1700000000' }).status, 0)
  assert.is(sha(join(again, 'installer', 'bai-example-autoinstall.iso')), sha(iso), 'deterministic')
})

test('iso: xorriso, isoinfo and fdisk see the 20.04 boot structures rebuilt', () => {
  const iso = join(dir, 'out', 'installer', 'bai-example-autoinstall.iso')
  const r = run('xorriso', ['-indev', iso, '-report_el_torito', 'as_mkisofs', '-report_system_area', 'plain'])
  assert.is(r.status, 0, r.stderr)
  const report = r.stdout
  for (const line of [
    `-V '${FIXTURE_VOLUME_ID}'`,
    "-c '/isolinux/boot.cat'",
    "-b '/isolinux/isolinux.bin'",
    '-boot-load-size 4',
    '-boot-info-table',
    '-eltorito-alt-boot',
    "-e '/boot/grub/efi.img'",
    '-isohybrid-mbr',
    '-iso_mbr_part_type 0x00',
  ]) assert.ok(report.includes(line), `${line}\n${report}`)
  assert.match(report, /MBR partition path :\s+2\s+\/boot\/grub\/efi\.img/)
  assert.match(report, /System area summary: MBR isohybrid cyl-align-off GPT/)
  assert.match(report, /GPT partition path :\s+2\s+\/boot\/grub\/efi\.img/)
  assert.match(report, /GPT partname local :\s+1\s+ISOHybrid/)
  const info = run('isoinfo', ['-d', '-i', iso]).stdout
  assert.match(info, /Rock Ridge signatures version 1 found/)
  assert.match(info, /Joliet with UCS level 3 found/)
  assert.match(info, /El Torito VD version 1 found/)
  assert.match(info, /Bootid 88 \(bootable\)/)
  assert.match(info, /Nsect 4\n\s+Bootoff [0-9A-Fa-f]+ \d+/)
  const fdisk = run('fdisk', ['-l', iso]).stdout
  assert.match(fdisk, /Disklabel type: dos/)
  assert.match(fdisk, /iso1 \*\s+0\s+\d+\s+\d+\s+[\d.]+M\s+0 Empty/)
  assert.match(fdisk, /iso2\s+\d+\s+\d+\s+16384\s+8M ef EFI/)
  // The isohybrid MBR loads isolinux.bin from the sector it names; the boot info table there names the PVD (16),
  // the same sector and the file's length; the El Torito catalog's default entry points at it too.
  const image = readFileSync(iso)
  const lba = image.readUInt32LE(432) / 4
  assert.ok(Number.isInteger(lba) && lba > 16)
  assert.is(image.readUInt32LE(lba * 2048 + 8), 16)
  assert.is(image.readUInt32LE(lba * 2048 + 12), lba)
  assert.is(image.readUInt32LE(lba * 2048 + 16), readFileSync('/usr/lib/ISOLINUX/isolinux.bin').length)
  assert.match(info, new RegExp(`Bootoff ${lba.toString(16)} ${lba}`, 'i'))
})

test('iso: a base without the 20.04 layout is refused with what was found; a node without MAC is named', () => {
  const plain = join(dir, 'plain.iso')
  mkdirSync(join(dir, 'plain'), { recursive: true })
  writeFileSync(join(dir, 'plain', 'hello.txt'), 'hi\n')
  assert.is(run('xorriso', ['-as', 'mkisofs', '-r', '-o', plain, join(dir, 'plain')]).status, 0)
  const r1 = runCli(['iso', '--base', plain, '-c', exampleInventory, '-o', join(dir, 'o1')])
  assert.is(r1.status, 2)
  assert.match(r1.stderr, /has no El Torito boot catalog: not an Ubuntu live-server ISO/)
  // The 22.04/24.04 layout: GRUB El Torito image, the EFI image as an appended partition.
  const grubTree = join(dir, 'jammy')
  mkdirSync(join(grubTree, 'boot', 'grub', 'i386-pc'), { recursive: true })
  writeFileSync(join(grubTree, 'boot', 'grub', 'i386-pc', 'eltorito.img'), Buffer.alloc(4096, 0x90))
  const efi = join(dir, 'efi-part.img')
  writeFileSync(efi, Buffer.alloc(1 << 20))
  const jammy = join(dir, 'jammy.iso')
  const x = run('xorriso', ['-as', 'mkisofs', '-r', '-o', jammy, '-b', 'boot/grub/i386-pc/eltorito.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    '--grub2-boot-info', '-append_partition', '2', '0xef', efi, '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', grubTree])
  assert.is(x.status, 0, x.stderr)
  const r2 = runCli(['iso', '--base', jammy, '-c', exampleInventory, '-o', join(dir, 'o2')])
  assert.is(r2.status, 2)
  assert.match(r2.stderr, /the 22\.04\/24\.04 layout \(GRUB El Torito image, EFI image in an appended GPT partition\) is not supported by this version/)
  const r3 = runCli(['iso', '--base', join(dir, 'nosuch.iso'), '-c', exampleInventory, '-o', join(dir, 'o3')])
  assert.is(r3.status, 2)
  assert.match(r3.stderr, /error\[ISO_BASE\] --base .*nosuch\.iso: no such file/)
  const inv = join(dir, 'nomac.yaml')
  writeFileSync(inv, readFileSync(exampleInventory, 'utf8').replace('    mac: "52:54:00:20:30:10"\n', ''))
  const r4 = runCli(['iso', '--base', base, '-c', inv, '-o', join(dir, 'o4')])
  assert.is(r4.status, 2)
  assert.match(r4.stderr, /error\[ISO\] bai-m1: no MAC address in the inventory/)
})

test.run()
