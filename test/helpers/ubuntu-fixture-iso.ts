// A fixture base ISO with the file paths and boot structure of Ubuntu 20.04's live-server ISO, built from Debian
// packages with xorriso at test time only (the real ISO cannot be downloaded here). Ubuntu's was made by
//   xorriso -as mkisofs -r -J -joliet-long -isohybrid-mbr isohdpfx.bin -b isolinux/isolinux.bin -c isolinux/boot.cat
//     -no-emul-boot -boot-load-size 4 -boot-info-table -eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot
//     -isohybrid-gpt-basdat
// and so is this one: ISOLINUX (package isolinux, syslinux-common) with isolinux.cfg including txt.cfg, GRUB for UEFI
// in boot/grub/efi.img (a FAT image holding a standalone grub-mkstandalone GRUB, grub-efi-amd64-bin, that finds the
// medium by /.disk/info and reads /boot/grub/grub.cfg as Ubuntu's does), casper/vmlinuz and casper/initrd (any kernel
// and initrd: the caller's), .disk/info, a dists/ tree and the `ubuntu -> .` symbolic link.
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

export const FIXTURE_VOLUME_ID = 'Ubuntu-Server 20.04.6 LTS amd64'

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (see .ci/run for the packages)`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`)
}

const TXT_CFG = `default live
label live
  menu label ^Install Ubuntu Server
  kernel /casper/vmlinuz
  append   initrd=/casper/initrd quiet  ---
label hwcheck
  menu label ^Check disc for defects
  kernel /casper/vmlinuz
  append   initrd=/casper/initrd quiet integrity-check ---
`
const ISOLINUX_CFG = `# D-I config version 2.0
# search path for the c32 support libraries (libcom32, libutil etc.)
path
include txt.cfg
prompt 0
timeout 300
`
const GRUB_CFG = `
if loadfont /boot/grub/font.pf2 ; then
\tset gfxmode=auto
fi
set menu_color_normal=white/black
set timeout=5
menuentry "Install Ubuntu Server" {
\tset gfxpayload=keep
\tlinux\t/casper/vmlinuz   quiet  ---
\tinitrd\t/casper/initrd
}
menuentry "Check disc for defects" {
\tset gfxpayload=keep
\tlinux\t/casper/vmlinuz  integrity-check quiet ---
\tinitrd\t/casper/initrd
}
`
/**
 * Embedded in the EFI GRUB: find the medium, then read its grub.cfg (what Ubuntu's signed GRUB does). The prefix
 * stays on the standalone image's memdisk, where its modules are.
 */
const EFI_EMBEDDED_CFG = `search --set=root --file /.disk/info
configfile ($root)/boot/grub/grub.cfg
`

export interface FixtureIsoInput {
  dir: string
  vmlinuz: string
  initrd: string
}

/** Builds DIR/ubuntu-20.04-fixture.iso and returns its path. */
export function buildUbuntu2004FixtureIso(input: FixtureIsoInput): string {
  const tree = join(input.dir, 'iso-tree')
  rmSync(tree, { recursive: true, force: true })
  for (const d of ['isolinux', 'boot/grub', 'casper', '.disk', 'dists/focal/main/binary-amd64', 'EFI/BOOT']) mkdirSync(join(tree, d), { recursive: true })
  copyFileSync('/usr/lib/ISOLINUX/isolinux.bin', join(tree, 'isolinux', 'isolinux.bin'))
  copyFileSync('/usr/lib/syslinux/modules/bios/ldlinux.c32', join(tree, 'isolinux', 'ldlinux.c32'))
  writeFileSync(join(tree, 'isolinux', 'isolinux.cfg'), ISOLINUX_CFG)
  writeFileSync(join(tree, 'isolinux', 'txt.cfg'), TXT_CFG)
  writeFileSync(join(tree, 'boot', 'grub', 'grub.cfg'), GRUB_CFG)
  writeFileSync(join(tree, 'boot', 'grub', 'loopback.cfg'), GRUB_CFG.replace(/---/g, 'iso-scan/filename=${iso_path} ---'))
  writeFileSync(join(tree, '.disk', 'info'), `${FIXTURE_VOLUME_ID} "Focal Fossa" - Release amd64 (fixture)\n`)
  writeFileSync(join(tree, 'dists', 'focal', 'Release'), 'Suite: focal\n')
  writeFileSync(join(tree, 'dists', 'focal', 'main', 'binary-amd64', 'Packages'), '')
  symlinkSync('.', join(tree, 'ubuntu'))
  symlinkSync('focal', join(tree, 'dists', 'stable'))
  copyFileSync(input.vmlinuz, join(tree, 'casper', 'vmlinuz'))
  copyFileSync(input.initrd, join(tree, 'casper', 'initrd'))

  const efi = join(input.dir, 'BOOTX64.EFI')
  const cfg = join(input.dir, 'efi-embedded.cfg')
  writeFileSync(cfg, EFI_EMBEDDED_CFG)
  run('grub-mkstandalone', ['-O', 'x86_64-efi', '-o', efi, '--fonts=', '--locales=', '--themes=', `boot/grub/grub.cfg=${cfg}`])
  copyFileSync(efi, join(tree, 'EFI', 'BOOT', 'BOOTx64.EFI'))
  const img = join(tree, 'boot', 'grub', 'efi.img')
  rmSync(img, { force: true })
  run('mkfs.vfat', ['-C', '-n', 'ESP', img, String(8 * 1024)])
  run('mmd', ['-i', img, '::/EFI', '::/EFI/BOOT'])
  run('mcopy', ['-i', img, efi, '::/EFI/BOOT/BOOTX64.EFI'])

  const iso = join(input.dir, 'ubuntu-20.04-fixture.iso')
  rmSync(iso, { force: true })
  run('xorriso', [
    '-as', 'mkisofs', '-r', '-V', FIXTURE_VOLUME_ID, '-J', '-joliet-long', '-l',
    '-isohybrid-mbr', '/usr/lib/ISOLINUX/isohdpfx.bin',
    '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    '-eltorito-alt-boot', '-e', 'boot/grub/efi.img', '-no-emul-boot', '-isohybrid-gpt-basdat',
    '-o', iso, tree,
  ])
  return iso
}
