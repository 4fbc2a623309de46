// Patches the boot menus of the installer ISO so that every entry, BIOS (ISOLINUX) and UEFI (GRUB), boots into an
// unattended install from the seed on the same medium: `autoinstall ds=nocloud;s=/cdrom/nocloud/` before the `---`
// that separates installer arguments from those kept for the installed system, and a short menu timeout.
// In GRUB the ';' must be quoted; ISOLINUX takes the rest of the line as it is.
import { INSTALLER_SEED_DIR } from '../model/output-layout.js'

export const SEED_DIR = INSTALLER_SEED_DIR
/** Seconds a menu waits before booting its default entry. */
export const MENU_TIMEOUT_SECONDS = 1

function insertArgs(line: string, args: string): string {
  if (/(^|\s)autoinstall(\s|$)/.test(line)) line = line.replace(/(^|\s)autoinstall(?=\s|$)/, '$1').replace(/\s+ds=\S+/, '')
  const sep = line.search(/\s---(\s|$)/)
  if (sep >= 0) return `${line.slice(0, sep)} ${args}${line.slice(sep)}`
  return `${line.trimEnd()} ${args}`
}

/** ISOLINUX/SYSLINUX config: every APPEND line, and TIMEOUT (tenths of a second). */
/** `seedArg`: the release's seed argument for media carrying the seed in /nocloud/ (registry: media.mediaSeedArg). */
export function patchIsolinuxConfig(text: string, seedArg: string): { text: string; entries: number } {
  let entries = 0
  const out = text.split('\n').map((line) => {
    if (/^\s*append\s/i.test(line)) {
      entries++
      return insertArgs(line, `autoinstall ${seedArg}`)
    }
    if (/^\s*timeout\s+\d+/i.test(line)) return line.replace(/(timeout\s+)\d+/i, `$1${MENU_TIMEOUT_SECONDS * 10}`)
    return line
  })
  return { text: out.join('\n'), entries }
}

/** GRUB config: every linux/linuxefi command, and `set timeout=`. */
export function patchGrubConfig(text: string, seedArg: string): { text: string; entries: number } {
  let entries = 0
  if (/['\\\s]/.test(seedArg)) throw new Error(`internal: seed argument ${JSON.stringify(seedArg)} cannot be single-quoted for GRUB`)
  const grubArgs = `autoinstall '${seedArg}'`
  const out = text.split('\n').map((line) => {
    if (/^\s*(linux|linuxefi)\s/.test(line)) {
      entries++
      return insertArgs(line.replace(/\s'ds=[^']*'/, ''), grubArgs)
    }
    if (/^\s*set\s+timeout=\d+/.test(line)) return line.replace(/timeout=\d+/, `timeout=${MENU_TIMEOUT_SECONDS}`)
    return line
  })
  return { text: out.join('\n'), entries }
}

export type BootConfigKind = 'isolinux' | 'grub'

/** Which files of the image are boot menus, by path. */
export function bootConfigKind(path: string): BootConfigKind | null {
  if (/^(isolinux|syslinux)\/[^/]+\.cfg$/.test(path)) return 'isolinux'
  if (/^boot\/grub\/(grub|loopback)\.cfg$/.test(path) || /^EFI\/[^/]+\/grub\.cfg$/i.test(path)) return 'grub'
  return null
}
