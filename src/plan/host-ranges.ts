// Node lists as people read them in a large cluster: `gpu-[00002-00499]` for the nodes of a group whose names are
// one prefix and a number, in the manner of Slurm's and pdsh's host lists. A range only ever spans names of the
// inventory that are in the group: a node of another group with a number inside the range splits it.

interface Named {
  name: string
  prefix: string
  digits: string
}

function split(name: string): Named {
  const m = /^(.*?)([0-9]+)$/.exec(name)
  return m ? { name, prefix: m[1]!, digits: m[2]! } : { name, prefix: name, digits: '' }
}

/**
 * Each group's node list with runs of numbered names folded into ranges. `groups[i]` is the host names of group i
 * (in inventory order); the result keeps, for each group, the order of the runs' first names.
 */
export function hostRanges(groups: readonly (readonly string[])[]): string[][] {
  // Every numbered name of the inventory by prefix and number width, with its group.
  const buckets = new Map<string, { n: bigint; digits: string; name: string; group: number; at: number }[]>()
  groups.forEach((names, group) => {
    for (const [at, name] of names.entries()) {
      const s = split(name)
      if (s.digits === '') continue
      const key = `${s.prefix}\0${s.digits.length}`
      let list = buckets.get(key)
      if (!list) buckets.set(key, (list = []))
      list.push({ n: BigInt(s.digits), digits: s.digits, name, group, at })
    }
  })
  // The text each name is shown as: the first name of a run carries the run's range, the others nothing.
  const shownAs = new Map<string, string | null>()
  for (const [key, list] of buckets) {
    const prefix = key.slice(0, key.indexOf('\0'))
    list.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0))
    for (let i = 0; i < list.length; ) {
      let j = i
      while (j + 1 < list.length && list[j + 1]!.group === list[i]!.group) j++
      const run = list.slice(i, j + 1)
      if (run.length >= 3) {
        // The run is named where its first name (in inventory order) stands in the group's list.
        const first = run.reduce((a, b) => (b.at < a.at ? b : a)).name
        for (const r of run) shownAs.set(r.name, null)
        shownAs.set(first, `${prefix}[${run[0]!.digits}-${run[run.length - 1]!.digits}]`)
      }
      i = j + 1
    }
  }
  return groups.map((names) => {
    const out: string[] = []
    for (const name of names) {
      const shown = shownAs.get(name)
      if (shown === undefined) out.push(name)
      else if (shown !== null) out.push(shown)
    }
    return out
  })
}
