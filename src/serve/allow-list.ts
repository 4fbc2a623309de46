// Which client addresses `bai-seed serve` answers at all: the --allow CIDRs (repeatable), by default the inventory's
// subnets as the last render recorded them (network-state.ts) plus loopback. Any other address gets a 403 at once,
// before a request is read, and one access-log line (refused=address); it holds no connection.
import { BlockList, isIP } from 'node:net'
import { InputError } from '../diagnostics/errors.js'
import { readNetworks } from '../write/network-state.js'

export const LOOPBACK = ['127.0.0.0/8', '::1/128'] as const

export interface AllowList {
  /** The CIDRs, as given or recorded, for the start-up line. */
  cidrs: string[]
  allows(address: string): boolean
}

/** 10.1.2.3 from an IPv4-mapped IPv6 address (a server listening on :: sees IPv4 clients so). */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return m ? m[1]! : address
}

function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, prefixText, ...rest] = text.split('/')
  if (rest.length || address === undefined) return null
  const version = isIP(address)
  if (version === 0) return null
  const max = version === 4 ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (prefix > max) return null
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' }
}

export function makeAllowList(cidrs: readonly string[]): AllowList {
  const list = new BlockList()
  const bad: string[] = []
  for (const text of cidrs) {
    const c = parseCidr(text)
    if (!c) bad.push(text)
    else list.addSubnet(c.address, c.prefix, c.family)
  }
  if (bad.length) throw new InputError('FLAG', `--allow ${bad.join(', ')}: expected an address or CIDR such as 10.20.30.0/24 or fd00::/64`)
  return {
    cidrs: [...cidrs],
    allows(address: string): boolean {
      const plain = plainAddress(address)
      const version = isIP(plain)
      return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6')
    },
  }
}

/** --allow as given, or the recorded subnets of the folder plus loopback; `recorded` says whether there were any. */
export function allowListFor(root: string, allow: readonly string[] | undefined): AllowList & { recorded: boolean } {
  if (allow && allow.length) return { ...makeAllowList(allow), recorded: true }
  const subnets = readNetworks(root)
  const valid = (subnets ?? []).filter((s) => parseCidr(s) !== null)
  return { ...makeAllowList([...valid, ...LOOPBACK]), recorded: subnets !== null }
}
