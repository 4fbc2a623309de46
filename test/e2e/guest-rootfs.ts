// The Debian 12 guest root filesystem, built by rootfs/build-rootfs.sh and cached under a key made of its recipe, so a
// change to the package list, the build script or the guest units rebuilds it and nothing else does.
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { e2eCacheDir, e2eSourceDir } from './e2e-paths.js'
import { recordTiming } from './e2e-timings.js'

export interface GuestRootfs {
  /** The root filesystem tree, the source of every disk image (mkfs.ext4 -d). */
  dir: string
  kernel: string
  initrd: string
  /** First 16 hex digits of the recipe hash. */
  key: string
  /** True when this call ran debootstrap, false when the cache had it. */
  built: boolean
  /** Seconds this call spent building (0 when cached). */
  seconds: number
}

const recipeDir = join(e2eSourceDir, 'rootfs')

/** Hash of every file of the recipe (names and contents), in name order. */
export function rootfsRecipeKey(): string {
  const hash = createHash('sha256')
  for (const name of readdirSync(recipeDir).sort()) {
    hash.update(`${name}\0`)
    hash.update(readFileSync(join(recipeDir, name)))
    hash.update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

/** The kernel and initrd of the guest's own /boot (linux-image-amd64 installs exactly one). */
function findBootFiles(dir: string): { kernel: string; initrd: string } {
  const boot = join(dir, 'boot')
  const names = readdirSync(boot)
  const kernel = names.find((n) => n.startsWith('vmlinuz-'))
  const initrd = names.find((n) => n.startsWith('initrd.img-'))
  if (!kernel || !initrd) throw new Error(`no vmlinuz-*/initrd.img-* in ${boot}: ${names.join(' ')}`)
  return { kernel: join(boot, kernel), initrd: join(boot, initrd) }
}

/**
 * Returns the cached rootfs for the current recipe, building it first when missing (about 2 minutes with a fresh .deb
 * cache). Older rootfs trees in the cache are removed. Needs root and debootstrap.
 */
export function ensureGuestRootfs(): GuestRootfs {
  const cache = e2eCacheDir()
  const key = rootfsRecipeKey()
  const dir = join(cache, `rootfs-${key}`)
  const doneMark = `${dir}.done`
  if (existsSync(doneMark) && existsSync(dir)) return { dir, key, built: false, seconds: 0, ...findBootFiles(dir) }

  mkdirSync(cache, { recursive: true })
  for (const name of readdirSync(cache)) {
    if (name.startsWith('rootfs-')) rmSync(join(cache, name), { recursive: true, force: true })
  }
  // Built beside its final name and renamed when complete, so an interrupted build is never taken for a finished one.
  const building = `${dir}.building`
  const logPath = `${dir}.log`
  const log = openSync(logPath, 'w')
  const started = Date.now()
  let r
  try {
    r = spawnSync('bash', [join(recipeDir, 'build-rootfs.sh'), building, join(cache, 'debs')], { stdio: ['ignore', log, log] })
  } finally {
    closeSync(log)
  }
  if (r.error) throw r.error
  if (r.status !== 0) {
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n')
    throw new Error(`building the guest rootfs failed (exit ${r.status}); end of ${logPath}:\n${tail}`)
  }
  renameSync(building, dir)
  writeFileSync(doneMark, `${new Date().toISOString()}\n`)
  const seconds = (Date.now() - started) / 1000
  recordTiming(`rootfs build (${key})`, seconds)
  return { dir, key, built: true, seconds, ...findBootFiles(dir) }
}
