// What each VM suite runs, checked before anything else: a machine without one of the tools fails the suite at once,
// naming every missing tool and its Debian package, instead of deep inside a guest or fixture build
// (`patchelf: command not found` in the upstream build, an installer boot that just times out).
// scripts/install-test-prerequisites.sh installs them all.
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** A command on PATH, or a file at an absolute path; `pkg` is the Debian package that provides it. */
export interface Tool {
  tool: string
  pkg: string
}

const t = (tool: string, pkg: string): Tool => ({ tool, pkg })

/** Every VM boot: qemu, and the guest disk tools. */
const VM = [t('qemu-system-x86_64', 'qemu-system-x86'), t('debugfs', 'e2fsprogs'), t('mkfs.ext4', 'e2fsprogs')]
/** The Debian 12 guest (debootstrap) of the first-boot suites. */
const GUEST = [...VM, t('debootstrap', 'debootstrap')]
/** The fixture kernel and initramfs of the PXE and installer-ISO boots. */
const NETBOOT = [...VM, t('busybox', 'busybox-static'), t('cpio', 'cpio'), t('/boot/vmlinuz-*', 'linux-image-amd64'), t('/usr/share/OVMF/OVMF_CODE.fd', 'ovmf'), t('/usr/share/OVMF/OVMF_VARS.fd', 'ovmf')]
/** The hermetic guest's own upstream (upstream/build-upstream.sh): repositories, keys, a CA, a registry, its images. */
const UPSTREAM = [
  t('dpkg-deb', 'dpkg'),
  t('dpkg-scanpackages', 'dpkg-dev'),
  t('apt-ftparchive', 'apt-utils'),
  t('gpg', 'gnupg'),
  t('openssl', 'openssl'),
  t('patchelf', 'patchelf'),
  t('docker-registry', 'docker-registry'),
  t('skopeo', 'skopeo'),
  t('umoci', 'umoci'),
  t('curl', 'curl'),
  t('busybox', 'busybox-static'),
]
const ISO = [
  ...NETBOOT,
  t('xorriso', 'xorriso'),
  t('mkfs.vfat', 'dosfstools'),
  t('mcopy', 'mtools'),
  t('sfdisk', 'fdisk'),
  t('grub-mkstandalone', 'grub-common'),
  t('/usr/lib/ISOLINUX/isolinux.bin', 'isolinux'),
  t('/usr/lib/ISOLINUX/isohdpfx.bin', 'isolinux'),
  t('/usr/lib/syslinux/modules/bios/ldlinux.c32', 'syslinux-common'),
  t('/usr/lib/grub/i386-pc/boot_hybrid.img', 'grub-pc-bin'),
  t('/usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed', 'grub-efi-amd64-signed'),
  t('/usr/lib/shim/shimx64.efi.signed', 'shim-signed'),
]

export const SUITE_TOOLS: Readonly<Record<string, readonly Tool[]>> = {
  'first-boot': GUEST,
  'broken-seed': GUEST,
  hermetic: [...GUEST, ...UPSTREAM],
  // The offline payload built from the same upstream (bai-seed payload), then boots with no NIC.
  offline: [...GUEST, ...UPSTREAM, t('gpgconf', 'gnupg')],
  'pxe-boot': [
    ...NETBOOT,
    t('mkfs.vfat', 'dosfstools'),
    t('mcopy', 'mtools'),
    t('/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed', 'grub-efi-amd64-signed'),
    t('/usr/lib/shim/shimx64.efi.signed', 'shim-signed'),
    t('/usr/lib/PXELINUX/pxelinux.0', 'pxelinux'),
    t('/usr/lib/syslinux/modules/bios/ldlinux.c32', 'syslinux-common'),
  ],
  'installer-iso': ISO,
  'installer-iso-grub': ISO,
}

function present(tool: string): boolean {
  if (tool.startsWith('/')) {
    const star = tool.indexOf('*')
    if (star === -1) return existsSync(tool)
    const dir = tool.slice(0, tool.lastIndexOf('/'))
    const prefix = tool.slice(dir.length + 1, star)
    try {
      return readdirSync(dir).some((n) => n.startsWith(prefix))
    } catch {
      return false
    }
  }
  const path = (process.env.PATH ?? '') + `${delimiter}/usr/sbin${delimiter}/sbin`
  return path.split(delimiter).some((d) => d !== '' && existsSync(join(d, tool)))
}

/** The tools of `suite` that are not installed. */
export function missingTools(suite: string): Tool[] {
  const tools = SUITE_TOOLS[suite]
  if (!tools) throw new Error(`no tool list for VM suite ${suite}`)
  const seen = new Set<string>()
  return tools.filter((x) => !seen.has(x.tool) && seen.add(x.tool) && !present(x.tool))
}

/** The message for missing tools, or '' when all are there. */
export function missingToolsMessage(suite: string, missing: readonly Tool[]): string {
  if (missing.length === 0) return ''
  const pkgs = [...new Set(missing.map((m) => m.pkg))]
  return (
    `${suite}: missing ${missing.map((m) => `${m.tool} (package ${m.pkg})`).join(', ')}; ` +
    `install them with scripts/install-test-prerequisites.sh (as root), or apt-get install ${pkgs.join(' ')}`
  )
}

/** Ends the suite at once (exit 1) with one line naming what is missing; returns when every tool is there. */
export function requireTools(suite: string): void {
  const message = missingToolsMessage(suite, missingTools(suite))
  if (!message) return
  process.stderr.write(`${message}\n`)
  process.exit(1)
}
