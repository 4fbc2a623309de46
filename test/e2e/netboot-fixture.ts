// Fixtures for booting machines in qemu without an OS: Debian's kernel (linux-image-amd64) with a busybox initramfs
// whose /init is netboot/init.sh (prints the command line, fetches the seed, reports the install), and a "local disk"
// that says FIXTURE-LOCAL-DISK when the firmware boots it: a BIOS boot sector that writes to the serial port, and an
// EFI system partition with a standalone GRUB (grub-mkstandalone) that echoes it and halts.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from './run-command.js'
import { e2eSourceDir } from './e2e-paths.js'

export interface FixtureKernel {
  vmlinuz: string
  version: string
}

/** Debian's kernel from /boot, with its modules under /lib/modules (package linux-image-amd64). */
export function fixtureKernel(): FixtureKernel {
  const versions = existsSync('/lib/modules') ? readdirSync('/lib/modules').sort() : []
  for (const version of versions.reverse()) {
    const vmlinuz = `/boot/vmlinuz-${version}`
    if (existsSync(vmlinuz)) return { vmlinuz, version }
  }
  throw new Error('no /boot/vmlinuz-<version> with /lib/modules/<version>: the netboot test needs package linux-image-amd64')
}

/** Modules the init loads, in load order: virtio-net for the network, and what reading a CD or disk needs. */
const MODULES = [
  'drivers/virtio/virtio_ring',
  'drivers/virtio/virtio',
  'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci_modern_dev',
  'drivers/virtio/virtio_pci',
  'net/core/failover',
  'drivers/net/net_failover',
  'drivers/net/virtio_net',
  'drivers/block/virtio_blk',
  'drivers/scsi/scsi_common',
  'drivers/scsi/scsi_mod',
  'drivers/cdrom/cdrom',
  'drivers/scsi/sr_mod',
  'drivers/scsi/sd_mod',
  'drivers/ata/libata',
  'drivers/ata/ata_piix',
  'drivers/ata/libahci',
  'drivers/ata/ahci',
  'fs/isofs/isofs',
]

/** Builds initrd.gz in `dir` (newc cpio, gzip) from busybox-static, the modules above and `init` (a source file). */
export function buildFixtureInitramfs(dir: string, kernel: FixtureKernel, init = join(e2eSourceDir, 'netboot', 'init.sh')): string {
  const root = join(dir, 'initramfs-root')
  rmSync(root, { recursive: true, force: true })
  for (const d of ['bin', 'lib/mod', 'proc', 'sys', 'dev', 'tmp', 'mnt', 'cdrom']) mkdirSync(join(root, d), { recursive: true })
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
  const order: string[] = []
  for (const m of MODULES) {
    const src = `/lib/modules/${kernel.version}/kernel/${m}.ko`
    if (!existsSync(src)) continue // built in
    const name = `${m.split('/').pop()}.ko`
    copyFileSync(src, join(root, 'lib', 'mod', name))
    order.push(name)
  }
  writeFileSync(join(root, 'lib', 'mod', 'order'), order.join('\n') + '\n')
  copyFileSync(init, join(root, 'init'))
  runCommand('chmod', ['0755', join(root, 'init'), join(root, 'bin', 'busybox')])
  const out = join(dir, 'initrd.gz')
  runCommand('sh', ['-c', 'cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$2"', 'sh', root, out])
  return out
}

/** Debian's signed shim (package shim-signed): loads grubx64.efi from its own folder. */
export const SHIM = '/usr/lib/shim/shimx64.efi.signed'

/**
 * A 16 MiB disk shaped like an installed Ubuntu's: sector 0 holds 8086 code that writes "FIXTURE-LOCAL-DISK" to COM1
 * and halts (SeaBIOS boots it), and a GPT partition of type "EFI System" holds a FAT ESP with \EFI\ubuntu\shimx64.efi
 * (Debian's signed shim) and \EFI\ubuntu\grubx64.efi, a standalone GRUB that echoes "FIXTURE-LOCAL-DISK <the
 * folder it was loaded from>" and halts. No \EFI\BOOT\BOOTX64.EFI: the firmware cannot find it by itself, only a
 * loader that looks for the installed system's loader (PXE GRUB's local boot) does.
 */
export function buildLocalDisk(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const disk = join(dir, 'local-disk.img')
  const esp = join(dir, 'esp.img')
  const efi = join(dir, 'BOOTX64.EFI')
  rmSync(disk, { force: true })
  rmSync(esp, { force: true })
  runCommand('grub-mkstandalone', [
    '-O', 'x86_64-efi', '-o', efi, '--fonts=', '--locales=', '--themes=',
    '--install-modules=normal echo sleep halt configfile', `boot/grub/grub.cfg=${join(e2eSourceDir, 'netboot', 'local-disk.cfg')}`,
  ])
  runCommand('mkfs.vfat', ['-C', esp, String(14 * 1024)])
  runCommand('mmd', ['-i', esp, '::/EFI', '::/EFI/ubuntu'])
  runCommand('mcopy', ['-i', esp, SHIM, '::/EFI/ubuntu/shimx64.efi'])
  runCommand('mcopy', ['-i', esp, efi, '::/EFI/ubuntu/grubx64.efi'])
  runCommand('truncate', ['-s', '16M', disk])
  runCommand('sh', ['-c', 'printf "label: gpt\\nfirst-lba: 34\\nstart=2048, size=28672, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\\n" | sfdisk -q "$1"', 'sh', disk])
  runCommand('dd', [`if=${esp}`, `of=${disk}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none'])
  // cli; xor ax,ax; mov ds,ax; mov si,msg; mov dx,0x3f8; l: lodsb; or al,al; jz h; out dx,al; jmp l; h: hlt; jmp h
  const code = Buffer.from([0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xbe, 0x16, 0x7c, 0xba, 0xf8, 0x03, 0xac, 0x08, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8, 0xf4, 0xeb, 0xfd])
  const boot = Buffer.concat([code, Buffer.from('FIXTURE-LOCAL-DISK\r\n\0', 'latin1')])
  runCommand('sh', ['-c', 'printf "$2" | dd of="$1" conv=notrunc status=none', 'sh', disk, [...boot].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')])
  return disk
}
