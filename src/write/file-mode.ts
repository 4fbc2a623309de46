// The one rule for the mode of every file bai-seed writes (node files, seed ISOs, the installer ISO, archive
// entries, its own state): readable by everyone unless it holds a secret (a password hash, credentials), then its
// owner's only; executable or not. `isSecretMode` is the one test of "does this mode mark a secret".

/** A file everyone may read / only its owner may read; the same with execute permission. */
export const PUBLIC_FILE = 0o644
export const PRIVATE_FILE = 0o600
export const PUBLIC_EXEC = 0o755
export const PRIVATE_EXEC = 0o700
/** Folders: the output's own are public; bai-seed's state folder (.bai-seed/) is its owner's only. */
export const PUBLIC_DIR = 0o755
export const PRIVATE_DIR = 0o700

export function fileMode(secret: boolean, exec = false): number {
  return secret ? (exec ? PRIVATE_EXEC : PRIVATE_FILE) : exec ? PUBLIC_EXEC : PUBLIC_FILE
}

/** A file nobody may change (the boot catalog inside an installer ISO). */
export const READ_ONLY_FILE = 0o444

/**
 * The mode of a copy of a file (archive entries): private unless everyone may read the original, executable when its
 * owner may run it; never looser than on disk (a 0640 file is copied as 0600).
 */
export function copyMode(diskMode: number): number {
  return fileMode((diskMode & 0o004) === 0, (diskMode & 0o100) !== 0)
}

/** Whether a file of this mode holds a secret: neither its group nor others may read or write it. */
export function isSecretMode(mode: number): boolean {
  return (mode & 0o077) === 0
}

/** A manifest's mode string ("0600") as a number. */
export function parseModeString(mode: string): number {
  return parseInt(mode, 8)
}

/** The mode as manifest.json writes it: four octal digits. */
export function modeString(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0')
}
