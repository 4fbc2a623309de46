// `bai-seed iso`: the remastered installer ISO of a fixture base ISO with Ubuntu 20.04's paths and boot layout, read
// back with the real tools: xorriso -report_el_torito / -report_system_area, isoinfo, fdisk. The boots in qemu are in
// test/e2e/installer-iso.test.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { nodeToken, readNodeKey } from '../../src/serve/node-token.js'
import { runCli } from '../helpers/run-cli.js'
import { requireTool, run } from '../helpers/tools.js'
import { buildUbuntu2004FixtureIso, FIXTURE_VOLUME_ID } from '../helpers/ubuntu-fixture-iso.js'
import { buildUbuntuGrubFixtureIso } from '../helpers/ubuntu-grub-fixture-iso.js'

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
  for (const t of ['xorriso', 'isoinfo', 'fdisk', 'grub-mkstandalone', 'grub-mkimage', 'mkfs.vfat', 'mcopy']) requireTool(t)
  base = buildUbuntu2004FixtureIso({ dir, vmlinuz: kernel, initrd })
})

test('iso: every file kept, boot menus patched, the seed added; the same bytes twice', () => {
  const out = join(dir, 'out')
  const r = runCli(['iso', '--base', base, '-c', exampleInventory, '-o', out], { SOURCE_DATE_EPOCH: '1700000000' })
  assert.is(r.status, 0, r.stderr)
  const iso = join(out, 'installer', 'bai-example-autoinstall.iso')
  assert.match(r.stdout, /20\.04 layout/)
  assert.match(r.stdout, /for 3 node\(s\): bai-m1, bai-a01, bai-a02/)
  assert.match(r.stdout, /files and 2 symbolic links of the base/)
  assert.not.match(r.stderr, /warning/)

  const list = (i: string): string[] => run('isoinfo', ['-R', '-f', '-i', i]).stdout.trim().split('\n').sort()
  const before = list(base)
  const after = list(iso)
  assert.equal(before.filter((p) => !after.includes(p)), [], 'every file and link of the base is kept')
  // The base's symbolic links, read back by three readers: Rock Ridge SL as the base had it.
  const links = (i: string): string[] => run('isoinfo', ['-R', '-l', '-i', i]).stdout.split('\n').filter((l) => l.startsWith('l')).map((l) => l.replace(/^.*\]\s+/, '').trim()).sort()
  assert.equal(links(iso), ['stable -> focal', 'ubuntu -> .'])
  assert.equal(links(iso), links(base))
  const lsdl = (i: string): string[] => {
    const x = run('xorriso', ['-indev', i, '-lsdl', '/ubuntu', '/dists/stable'])
    assert.is(x.status, 0, x.stderr)
    // Mode, owner and target; not the date.
    return x.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 4).join(' ') + ' ' + l.replace(/^.*? '/, "'"))
  }
  assert.equal(lsdl(iso), ["lr-xr-xr-x 1 0 0 '/dists/stable' -> 'focal'", "lr-xr-xr-x 1 0 0 '/ubuntu' -> '.'"])
  assert.equal(lsdl(iso), lsdl(base), 'modes as the base had them')
  const tar = run('bsdtar', ['-tvf', iso])
  assert.match(tar.stdout, /^l.* ubuntu -> \.$/m, tar.stdout)
  assert.match(tar.stdout, /^l.* dists\/stable -> focal$/m, tar.stdout)
  // Joliet has no links (libisofs leaves them out too).
  assert.not.ok(run('isoinfo', ['-J', '-f', '-i', iso]).stdout.split('\n').includes('/ubuntu'))
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

test('iso: nodes that report carry their report token: their seed files are 0600 on the medium, the image 0600 on disk', () => {
  const plain = join(dir, 'out', 'installer', 'bai-example-autoinstall.iso')
  assert.is(statSync(plain).mode & 0o777, 0o644, 'no secret: readable by others as before')
  const out = join(dir, 'out-reporting')
  const r = runCli(['iso', '--base', base, '-c', join(fixtures, 'reporting.yaml'), '-o', out], { SOURCE_DATE_EPOCH: '1700000000' })
  assert.is(r.status, 0, r.stderr)
  const iso = join(out, 'installer', 'bai-example-autoinstall.iso')
  assert.is(statSync(iso).mode & 0o777, 0o600)
  const key = readNodeKey(out)!
  // Rock Ridge modes as isoinfo reads them: each node's config owner-only, the rest as before.
  const listing = run('isoinfo', ['-R', '-l', '-i', iso]).stdout
  for (const host of ['bai-m1', 'bai-a01', 'bai-a02']) {
    assert.match(listing, new RegExp(`^-r?w?-------.*\\s${host}\\.yaml\\s*$`, 'm'), listing)
    const node = isoinfo(iso, `/nocloud/nodes/${host}.yaml`)
    const base = host === 'bai-a02' ? 'http://10.20.31.5:8080/' : 'http://10.20.30.5:8080/'
    const url = `${base}report/${host}/${nodeToken(key, 'report', host)}`
    // subiquity's webhook, and the late-command's fallback for the finished install (no bai_seed.done= on this boot).
    assert.match(node, new RegExp(`endpoint: ${url.replace(/[^A-Za-z0-9]/g, '\\$&')}$`, 'm'), host)
    assert.ok(node.includes(`|| u=${url}`), `${host}: the finished install goes to its report URL`)
  }
  assert.match(listing, /^-rwxr-xr-x.*\sselect-node\.sh\s*$/m, listing)
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

for (const release of ['22.04', '24.04'] as const) {
  test(`iso: the ${release} layout (GRUB El Torito, appended EFI partition, GRUB hybrid MBR) rebuilt; xorriso, fdisk and the bytes agree`, () => {
    const grubBase = buildUbuntuGrubFixtureIso({ dir, release, vmlinuz: kernel, initrd })
    // The example's nodes are rendered for ubuntu-20.04 (no os:): the base must be their release's installer.
    const refused = runCli(['iso', '--base', grubBase, '-c', exampleInventory, '-o', join(dir, `refused-${release}`)])
    assert.is(refused.status, 2, refused.stderr)
    assert.match(refused.stderr, new RegExp(`is the installer of Ubuntu ${release} \\(volume "Ubuntu-Server ${release}\\.\\d+ LTS amd64"\\), but nodes are rendered for ubuntu-20\\.04 \\(bai-m1, bai-a01, bai-a02\\): give the matching live-server ISO \\(ubuntu-20\\.04\\.6-live-server-amd64\\.iso\\)`))
    const inventory = join(dir, `cluster-${release}.yaml`)
    writeFileSync(inventory, readFileSync(exampleInventory, 'utf8').replace('  name: bai-example\n', `  name: bai-example\n  os: ubuntu-${release}\n`))
    const out = join(dir, `out-${release}`)
    const r = runCli(['iso', '--base', grubBase, '-c', inventory, '-o', out], { SOURCE_DATE_EPOCH: '1700000000' })
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`Ubuntu ${release} layout`))
    const iso = join(out, 'installer', 'bai-example-autoinstall.iso')
    const list = (i: string): string[] => run('isoinfo', ['-R', '-f', '-i', i]).stdout.trim().split('\n').sort()
    assert.equal(list(grubBase).filter((p) => !list(iso).includes(p)), [], 'every file and link of the base is kept')
    const grub = isoinfo(iso, '/boot/grub/grub.cfg')
    assert.is((grub.match(/ autoinstall 'ds=nocloud;s=\/cdrom\/nocloud\/' ---/g) ?? []).length, release === '22.04' ? 2 : 1, grub)
    assert.match(grub, /^set timeout=1$/m)
    for (const p of ['/casper/vmlinuz', '/EFI/boot/bootx64.efi', '/EFI/boot/grubx64.efi']) {
      assert.is(createHash('sha256').update(isoinfo(iso, p), 'latin1').digest('hex'), createHash('sha256').update(isoinfo(grubBase, p), 'latin1').digest('hex'), p)
    }

    const x = run('xorriso', ['-indev', iso, '-report_el_torito', 'as_mkisofs', '-report_system_area', 'plain'])
    assert.is(x.status, 0, x.stderr)
    const report = x.stdout
    for (const line of [
      '--grub2-mbr --interval:local_fs:0s-15s:zero_mbrpt,zero_gpt:',
      '--protective-msdos-label',
      '--mbr-force-bootable',
      '-appended_part_as_gpt',
      "-c '/boot.catalog'",
      "-b '/boot/grub/i386-pc/eltorito.img'",
      '-boot-load-size 4',
      '-boot-info-table',
      '--grub2-boot-info',
      '-eltorito-alt-boot',
    ]) assert.ok(report.includes(line), `${line}\n${report}`)
    assert.match(report, /-append_partition 2 28732ac11ff8d211ba4b00a0c93ec93b --interval:local_fs:\d+d-\d+d::/)
    assert.match(report, /-e '--interval:appended_partition_2_start_\d+s_size_\d+d:all::'/)
    assert.match(report, /System area summary: MBR protective-msdos-label grub2-mbr cyl-align-off GPT/)
    assert.match(report, /MBR partition      :   1   0x00  0xee            1 /)
    assert.match(report, /MBR partition      :   2   0x80  0x00            0            1/)
    assert.match(report, /GPT partname local :   1  ISO9660/)
    assert.match(report, /GPT partname local :   2  Appended2/)
    assert.match(report, /GPT type GUID      :   2  28732ac11ff8d211ba4b00a0c93ec93b/)
    const fdisk = run('fdisk', ['-l', iso]).stdout
    assert.match(fdisk, /Disklabel type: gpt/)
    assert.match(fdisk, /iso2\s+\d+\s+\d+\s+\d+\s+[\d.]+M EFI System/)
    const info = run('isoinfo', ['-d', '-i', iso]).stdout
    assert.match(info, /Rock Ridge signatures version 1 found/)
    assert.match(info, /Bootid 88 \(bootable\)/)

    // Bytes: GRUB's MBR loads its core from the El Torito image's block + 4; the image's GRUB 2 boot info says block
    // + 5, its boot info table its sector; the appended ESP is the base's, byte for byte.
    const image = readFileSync(iso)
    const core = Number(image.readBigUInt64LE(0x1b0))
    const lba = (core - 4) / 4
    assert.ok(Number.isInteger(lba) && lba > 16, String(core))
    assert.is(Number(image.readBigUInt64LE(lba * 2048 + 2548)), lba * 4 + 5)
    assert.is(image.readUInt32LE(lba * 2048 + 12), lba)
    assert.is(image.readUInt32LE(lba * 2048 + 8), 16)
    assert.match(info, new RegExp(`Bootoff ${lba.toString(16)} ${lba}`, 'i'))
    const esp = (img: Buffer): Buffer => {
      const entries = Number(img.readBigUInt64LE(512 + 72)) * 512
      const first = Number(img.readBigUInt64LE(entries + 128 + 32))
      const last = Number(img.readBigUInt64LE(entries + 128 + 40))
      return img.subarray(first * 512, (last + 1) * 512)
    }
    const baseEsp = esp(readFileSync(grubBase))
    assert.ok(baseEsp.length >= 1 << 20)
    assert.ok(esp(image).equals(baseEsp), 'the ESP is copied')
    assert.is(image.subarray(0, 0x1b0).compare(readFileSync(grubBase).subarray(0, 0x1b0)), 0, "GRUB's MBR code kept")

    const again = join(dir, `out-${release}-2`)
    assert.is(runCli(['iso', '--base', grubBase, '-c', inventory, '-o', again], { SOURCE_DATE_EPOCH: '1700000000' }).status, 0)
    assert.is(sha(join(again, 'installer', 'bai-example-autoinstall.iso')), sha(iso), 'deterministic')
  })
}

test('iso: a base with neither layout is refused with what was found; a node without MAC is named', () => {
  const plain = join(dir, 'plain.iso')
  mkdirSync(join(dir, 'plain'), { recursive: true })
  writeFileSync(join(dir, 'plain', 'hello.txt'), 'hi\n')
  assert.is(run('xorriso', ['-as', 'mkisofs', '-r', '-o', plain, join(dir, 'plain')]).status, 0)
  const r1 = runCli(['iso', '--base', plain, '-c', exampleInventory, '-o', join(dir, 'o1')])
  assert.is(r1.status, 2)
  assert.match(r1.stderr, /has no El Torito boot catalog: not an Ubuntu live-server ISO/)
  // A GRUB El Torito image with the EFI image appended as an MBR partition.
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
  // An EFI image appended as an MBR partition only (no GPT): not how Ubuntu's are made.
  assert.match(r2.stderr, /unknown boot layout \(BIOS boot image boot\/grub\/i386-pc\/eltorito\.img, EFI boot image at sector \d+\); expected Ubuntu 20\.04's/)
  const r3 = runCli(['iso', '--base', join(dir, 'nosuch.iso'), '-c', exampleInventory, '-o', join(dir, 'o3')])
  assert.is(r3.status, 2)
  assert.match(r3.stderr, /error\[ISO_BASE\] --base .*nosuch\.iso: no such file/)
  const inv = join(dir, 'nomac.yaml')
  writeFileSync(inv, readFileSync(exampleInventory, 'utf8').replace('    mac: "52:54:00:20:30:10"\n', ''))
  const r4 = runCli(['iso', '--base', base, '-c', inv, '-o', join(dir, 'o4')])
  assert.is(r4.status, 2)
  assert.match(r4.stderr, /nomac\.yaml:\d+:5: error\[NO_MACHINE_ID\] nodes\[0\]: bai-m1 has no MAC address or serial number/)
})

test.run()
