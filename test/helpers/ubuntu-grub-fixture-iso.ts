// Fixture base ISOs with the file paths and boot structure of Ubuntu 22.04's and 24.04's live-server ISOs, built from
// Debian packages with xorriso at test time only. Ubuntu's (xorriso -report_el_torito as_mkisofs of the releases):
//   -r -J -joliet-long -l --grub2-mbr <the ISO's own first 16 sectors, partition tables zeroed>
//   --protective-msdos-label -partition_cyl_align off -partition_offset 16 --mbr-force-bootable
//   -append_partition 2 28732ac11ff8d211ba4b00a0c93ec93b <ESP image> -appended_part_as_gpt
//   -iso_mbr_part_type a2a0d0ebe5b9334487c068b6b72699c7
//   -c /boot.catalog -b /boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table
//   --grub2-boot-info -eltorito-alt-boot -e --interval:appended_partition_2_start_Ns_size_Md:all:: -no-emul-boot
//   -boot-load-size M
// and so are these: GRUB's hybrid MBR (boot_hybrid.img) and El Torito image (grub-mkimage -O i386-pc-eltorito,
// package grub-pc-bin) for BIOS, and for UEFI an appended FAT ESP with EFI/boot/bootx64.efi (Debian's signed shim,
// shim-signed), grubx64.efi (Debian's signed CD GRUB, gcdx64.efi.signed: finds the medium by /.disk/info and reads
// /boot/grub/grub.cfg, as Ubuntu's does) and mmx64.efi; the same EFI files in the ISO tree under /EFI/boot/;
// casper/vmlinuz and casper/initrd (the caller's), .disk/info, dists/<codename>/ and the `ubuntu -> .` symbolic link.
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { osTarget } from '../../src/targets/os-targets.js'

export type GrubLayoutRelease = '22.04' | '24.04'

interface ReleaseShape {
  name: string
  grubCfg: string
}

const ENTRY = (title: string, kernel: string, initrd: string): string =>
  `menuentry "${title}" {\n\tset gfxpayload=keep\n\tlinux\t${kernel}  ---\n\tinitrd\t${initrd}\n}\n`
const TAIL = (memtest: string): string => `grub_platform
if [ "$grub_platform" = "efi" ]; then
menuentry 'Boot from next volume' {
\texit 1
}
menuentry 'UEFI Firmware Settings' {
\tfwsetup
}
else
menuentry 'Test memory' {
\tlinux16 ${memtest}
}
fi
`
const HEAD = `set timeout=30

loadfont unicode

set menu_color_normal=white/black
set menu_color_highlight=black/light-gray

`

export const GRUB_LAYOUT_RELEASES: Record<GrubLayoutRelease, ReleaseShape> = {
  '22.04': {
    name: 'Jammy Jellyfish',
    grubCfg: HEAD + ENTRY('Try or Install Ubuntu Server', '/casper/vmlinuz', '/casper/initrd') +
      ENTRY('Ubuntu Server with the HWE kernel', '/casper/hwe-vmlinuz', '/casper/hwe-initrd') + TAIL('/boot/memtest86+.bin'),
  },
  '24.04': {
    name: 'Noble Numbat',
    grubCfg: HEAD + ENTRY('Try or Install Ubuntu Server', '/casper/vmlinuz', '/casper/initrd') + TAIL('/boot/memtest86+x64.bin'),
  },
}

/** BIOS GRUB core for the El Torito image: what it needs to find the medium and read grub.cfg from it. */
const BIOS_MODULES = ['biosdisk', 'iso9660', 'part_msdos', 'part_gpt', 'normal', 'search', 'search_fs_file', 'configfile', 'linux', 'echo', 'test', 'ls', 'true']
/** Embedded in the BIOS core: find the medium by /.disk/info as the EFI GRUB does (Ubuntu's relies on its prefix). */
const BIOS_EMBEDDED_CFG = `search --no-floppy --set=root --file /.disk/info
set prefix=($root)/boot/grub
configfile $prefix/grub.cfg
`

const SHIM = '/usr/lib/shim/shimx64.efi.signed'
const MOKMANAGER = '/usr/lib/shim/mmx64.efi.signed'
const CD_GRUB = '/usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed'
const HYBRID_MBR = '/usr/lib/grub/i386-pc/boot_hybrid.img'

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (see .ci/run for the packages)`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`)
}

export interface GrubFixtureIsoInput {
  dir: string
  release: GrubLayoutRelease
  vmlinuz: string
  initrd: string
}

/** Builds DIR/ubuntu-<release>-fixture.iso and returns its path. */
export function buildUbuntuGrubFixtureIso(input: GrubFixtureIsoInput): string {
  // Volume id, codename and boot paths from the registry of OS targets; the menu from the release's ISO.
  const target = osTarget(`ubuntu-${input.release}`)
  if (target.media.biosBoot.loader !== 'grub' || target.media.efiBoot.kind !== 'appended-partition') throw new Error(`${target.id}: not the GRUB layout`)
  const shape = { ...GRUB_LAYOUT_RELEASES[input.release], volumeId: target.media.volumeId, codename: target.codename }
  const eltorito = target.media.biosBoot.image
  const work = join(input.dir, `grub-fixture-${input.release}`)
  const tree = join(work, 'tree')
  rmSync(work, { recursive: true, force: true })
  for (const d of [dirname(eltorito), 'casper', '.disk', `dists/${shape.codename}/main/binary-amd64`, 'EFI/boot']) mkdirSync(join(tree, d), { recursive: true })
  writeFileSync(join(tree, target.media.grubCfg), shape.grubCfg)
  writeFileSync(join(tree, 'boot', 'grub', 'loopback.cfg'), shape.grubCfg.replace(/  ---/g, ' iso-scan/filename=${iso_path} ---'))
  writeFileSync(join(tree, '.disk', 'info'), `${shape.volumeId.replace('Ubuntu-Server', 'Ubuntu-Server')} "${shape.name}" - Release amd64 (fixture)\n`)
  writeFileSync(join(tree, 'dists', shape.codename, 'Release'), `Suite: ${shape.codename}\n`)
  writeFileSync(join(tree, 'dists', shape.codename, 'main', 'binary-amd64', 'Packages'), '')
  symlinkSync('.', join(tree, 'ubuntu'))
  symlinkSync(shape.codename, join(tree, 'dists', 'stable'))
  copyFileSync(input.vmlinuz, join(tree, target.media.kernel))
  copyFileSync(input.initrd, join(tree, target.media.initrd))
  if (input.release === '22.04') {
    copyFileSync(input.vmlinuz, join(tree, 'casper', 'hwe-vmlinuz'))
    copyFileSync(input.initrd, join(tree, 'casper', 'hwe-initrd'))
  }
  for (const [src, name] of [[SHIM, 'bootx64.efi'], [CD_GRUB, 'grubx64.efi'], [MOKMANAGER, 'mmx64.efi']] as const) copyFileSync(src, join(tree, 'EFI', 'boot', name))

  const cfg = join(work, 'bios-embedded.cfg')
  writeFileSync(cfg, BIOS_EMBEDDED_CFG)
  run('grub-mkimage', ['-O', 'i386-pc-eltorito', '-p', '/boot/grub', '-c', cfg, '-o', join(tree, eltorito), ...BIOS_MODULES])

  const esp = join(work, 'esp.img')
  run('mkfs.vfat', ['-C', '-n', 'ESP', esp, String(8 * 1024)])
  run('mmd', ['-i', esp, '::/EFI', '::/EFI/boot'])
  for (const name of ['bootx64.efi', 'grubx64.efi', 'mmx64.efi']) run('mcopy', ['-i', esp, join(tree, 'EFI', 'boot', name), `::/EFI/boot/${name}`])

  // Ubuntu's system area is its own first 16 sectors (GRUB's hybrid MBR code) with the partition tables zeroed.
  const iso = join(input.dir, `ubuntu-${input.release}-fixture.iso`)
  rmSync(iso, { force: true })
  run('xorriso', [
    '-as', 'mkisofs', '-r', '-V', shape.volumeId, '-J', '-joliet-long', '-l',
    '--grub2-mbr', HYBRID_MBR, '--protective-msdos-label', '-partition_cyl_align', 'off', '-partition_offset', '16', '--mbr-force-bootable',
    '-append_partition', '2', '28732ac11ff8d211ba4b00a0c93ec93b', esp, '-appended_part_as_gpt',
    '-iso_mbr_part_type', 'a2a0d0ebe5b9334487c068b6b72699c7',
    '-c', '/boot.catalog', '-b', `/${eltorito}`, '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:::', '-no-emul-boot',
    '-o', iso, tree,
  ])
  return iso
}
