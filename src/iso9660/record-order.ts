// ECMA-119 9.3: the order of directory records in a directory, also used for path table records (6.9.1).
// Records sort by File Name, then by File Name Extension; the shorter of two is padded with (20) before comparing.
// File Version Numbers are all 1 here, so the rule's third step never decides. The same rule applies to Joliet
// identifiers, compared as UCS-2 code units.

/** An identifier split for sorting: code units of its name and of its extension (empty for directories). */
export interface OrderKey {
  name: number[]
  ext: number[]
}

const PAD = 0x20

function comparePadded(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a[i] : PAD
    const y = i < b.length ? b[i] : PAD
    if (x !== y) return x - y
  }
  return 0
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  return comparePadded(a.name, b.name) || comparePadded(a.ext, b.ext)
}

export function codeUnits(text: string): number[] {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i))
  return out
}
