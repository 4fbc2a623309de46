// IPv4 addresses and subnets as 32-bit unsigned numbers. Dotted quads only, no leading zeros (some tools read
// "010" as octal).

export interface Cidr {
  addr: number
  prefix: number
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/

export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined
    const v = Number(p)
    if (v > 255) return undefined
    n = n * 256 + v
  }
  return n
}

/** "a.b.c.d/p" -> address and prefix; undefined if malformed. */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(0|[1-9][0-9]?)$/.exec(s)
  if (!m) return undefined
  const addr = parseIPv4(m[1]!)
  const prefix = Number(m[2])
  if (addr === undefined || prefix > 32) return undefined
  return { addr, prefix }
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

export function networkOf(c: Cidr): number {
  return (c.addr & mask(c.prefix)) >>> 0
}

export function broadcastOf(c: Cidr): number {
  return (networkOf(c) | ~mask(c.prefix)) >>> 0
}

export function contains(net: Cidr, addr: number): boolean {
  return ((addr & mask(net.prefix)) >>> 0) === networkOf(net)
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}
