// One VM run as the tests use it: a fresh disk from the rootfs (or the disk of an earlier run, for a second boot),
// a seed ISO, a boot, and the disk ready to read back.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { bootVm, type BootResult, type GuestNetwork } from './boot-vm.js'
import { makeDiskImage } from './disk-image.js'
import { e2eWorkDir } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'
import type { GuestRootfs } from './guest-rootfs.js'
import { GuestDisk } from './guest-disk.js'

export interface GuestRun {
  boot: BootResult
  disk: GuestDisk
  workDir: string
}

export interface GuestRunOptions {
  /** Names the work folder under <cache>/work and the timing lines. */
  name: string
  rootfs: GuestRootfs
  seedIso: string
  /** Boot this disk again instead of making a fresh one. */
  reuseDisk?: GuestDisk
  fallbackGraceSeconds?: number
  network?: GuestNetwork
  /** Read-only images attached after the seed (an offline payload volume). */
  extraDrives?: string[]
  /** Console log file name in the work folder (default console.log, console-2.log for a reused disk). */
  consoleName?: string
  timeoutSeconds?: number
  /** Called with a fresh disk before its first boot (files a site image would carry). */
  prepareDisk?: (disk: GuestDisk) => void
}

export async function runGuest(opts: GuestRunOptions): Promise<GuestRun> {
  const workDir = e2eWorkDir(opts.name)
  mkdirSync(workDir, { recursive: true })
  let image = opts.reuseDisk?.image
  if (!image) {
    image = join(workDir, 'disk.img')
    recordTiming(`${opts.name}: disk image`, makeDiskImage(opts.rootfs.dir, image))
    opts.prepareDisk?.(new GuestDisk(image))
  }
  const boot = await bootVm({
    kernel: opts.rootfs.kernel,
    initrd: opts.rootfs.initrd,
    disk: image,
    seed: opts.seedIso,
    consoleLog: join(workDir, opts.consoleName ?? (opts.reuseDisk ? 'console-2.log' : 'console.log')),
    fallbackGraceSeconds: opts.fallbackGraceSeconds,
    network: opts.network,
    extraDrives: opts.extraDrives,
    timeoutSeconds: opts.timeoutSeconds,
  })
  recordTiming(`${opts.name}: boot to stop${opts.consoleName ? ` (${opts.consoleName})` : ''}`, boot.seconds)
  return { boot, disk: new GuestDisk(image), workDir }
}
