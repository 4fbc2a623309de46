// The Debian 12 guest root filesystem, built by rootfs/build-rootfs.sh and cached under a key made of its recipe, so a
// change to the package list, the build script or the guest units rebuilds it and nothing else does.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cachedBuild } from './cached-build.js'
import { e2eCacheDir, e2eSourceDir } from './e2e-paths.js'

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
  const key = rootfsRecipeKey()
  const b = cachedBuild('rootfs', 'rootfs', key, join(recipeDir, 'build-rootfs.sh'), [join(e2eCacheDir(), 'debs')])
  return { dir: b.dir, key, built: b.built, seconds: b.seconds, ...findBootFiles(b.dir) }
}
