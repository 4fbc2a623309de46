// Two checks around the per-node tokens, beyond the token itself:
//   - guesses: an address that presents TOKEN_FAILURES wrong tokens within FAILURE_WINDOW_MS gets 429 for every
//     token-bearing request until the window has passed (128-bit tokens are not guessed, but a scanner is stopped
//     and logged early);
//   - binding: a node's seed URL, once used, answers only the address that used it first while that address keeps
//     using it (BIND_IDLE_MS without a fetch frees it): a token copied from a public boot config is useless from another
//     machine while the node installs. A finished install frees it (the URL is closed then anyway).
export const TOKEN_FAILURES = 10
export const FAILURE_WINDOW_MS = 60_000
export const BIND_IDLE_MS = 30 * 60_000

export class TokenGuard {
  private readonly failures = new Map<string, number[]>()
  private readonly bindings = new Map<string, { address: string; usedAt: number }>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Whether the address has guessed too often lately. */
  blocked(address: string): boolean {
    const list = this.recent(address)
    return list.length >= TOKEN_FAILURES
  }

  failed(address: string): void {
    const list = this.recent(address)
    list.push(this.now())
    this.failures.set(address, list)
    // Bounded memory: a flood of addresses does not grow this map without end.
    if (this.failures.size > 10_000) for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key)
  }

  /** Whether `address` may use the seed URL of `node` now; binds it on first use. */
  claim(node: string, address: string): boolean {
    const t = this.now()
    const bound = this.bindings.get(node)
    if (bound && bound.address !== address && t - bound.usedAt < BIND_IDLE_MS) return false
    this.bindings.set(node, { address, usedAt: t })
    return true
  }

  release(node: string): void {
    this.bindings.delete(node)
  }

  private recent(address: string): number[] {
    const since = this.now() - FAILURE_WINDOW_MS
    const list = (this.failures.get(address) ?? []).filter((t) => t > since)
    if (list.length === 0) this.failures.delete(address)
    return list
  }
}
