// The one rule for the mode of every file bai-seed writes (node files, seed ISOs, archive entries): readable by
// everyone unless it holds a secret (a password hash), then its owner's only; executable or not.

export function fileMode(secret: boolean, exec = false): number {
  return secret ? (exec ? 0o700 : 0o600) : exec ? 0o755 : 0o644
}
