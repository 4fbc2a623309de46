// `bai-seed plan` for a whole cluster, reviewable at scale: nodes whose plans are identical form one group, shown
// once with its node list; what differs between groups is set side by side; everything the groups share is listed
// once, each line tagged with the groups it belongs to when not all. Per-node plans stay behind --node and --full.
import { stallText, type DescribedPlan } from './describe-plan.js'
import { hostRanges } from './host-ranges.js'
import { STEP_ORDER } from './step-order.js'

export interface PlanGroup {
  label: string
  hosts: string[]
  /** The group's plan, with the hostname left out and node-specific origins said generally. */
  plan: DescribedPlan
}

/** Origins that name the node itself (`node:bai-a01`, `nodes[3].os`) said so that equal plans compare equal. */
function generalFrom(from: string): string {
  if (from.startsWith('node:')) return 'node override'
  if (/^nodes\[[0-9]+\]\.os$/.test(from)) return "node's os"
  if (/^inventory nodes\[[0-9]+\]\.reporting$/.test(from)) return "inventory node's reporting"
  return from
}

function general(d: DescribedPlan): DescribedPlan {
  return {
    ...d,
    hostname: '',
    target: { ...d.target, from: generalFrom(d.target.from) },
    ...(d.reporting ? { reporting: { ...d.reporting, from: generalFrom(d.reporting.from) } } : {}),
    steps: d.steps.map((s) => ({
      ...s,
      settings: s.settings.map((set) => ({ ...set, from: generalFrom(set.from) })),
      ...(s.expectFrom ? { expectFrom: generalFrom(s.expectFrom) } : {}),
    })),
  }
}

/** A, B, ... Z, then G27, G28 ... */
export function groupLabel(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `G${i + 1}`
}

/** Groups of identical plans, in the order of their first node. */
export function groupPlans(plans: Iterable<DescribedPlan>): PlanGroup[] {
  const byKey = new Map<string, PlanGroup>()
  for (const d of plans) {
    const g = general(d)
    const key = JSON.stringify(g)
    let group = byKey.get(key)
    if (!group) byKey.set(key, (group = { label: groupLabel(byKey.size), hosts: [], plan: g }))
    group.hosts.push(d.hostname)
  }
  return [...byKey.values()]
}

interface Row {
  /** Where the row sits: head, sources, or a step id. */
  section: string
  key: string
  label: string
  text: string
  kind: 'head' | 'source' | 'step' | 'setting' | 'note' | 'fetch' | 'stall'
}

const value = (v: unknown): string => JSON.stringify(v) ?? 'null'

function rowsOf(p: DescribedPlan): Row[] {
  const rows: Row[] = [
    { section: 'head', key: 'roles', label: 'roles', text: p.roles.join(', '), kind: 'head' },
    { section: 'head', key: 'target', label: 'target', text: `${p.target.id} ${p.target.arch}  <- ${p.target.from}`, kind: 'head' },
    ...p.install.map((text, i): Row => ({ section: 'head', key: `install${i}`, label: 'install', text, kind: 'head' })),
    ...p.sources.map((s): Row => ({ section: 'sources', key: `source:${s.what}`, label: s.what, text: `${s.value}  <- ${s.from}`, kind: 'source' })),
  ]
  if (p.reporting) rows.splice(rows.findIndex((r) => r.kind === 'source'), 0, { section: 'head', key: 'reporting', label: 'reports to', text: `${p.reporting.url}report/<hostname>/<token>  <- ${p.reporting.from}`, kind: 'head' })
  for (const s of p.steps) {
    rows.push({ section: s.id, key: `step:${s.id}`, label: s.id, text: `${s.id}${s.network ? ' [network]' : ''}: ${s.title}`, kind: 'step' })
    for (const set of s.settings) {
      const shown = set.resolved === undefined ? value(set.value) : `${value(set.value)} -> ${value(set.resolved)}`
      rows.push({ section: s.id, key: `set:${s.id}:${set.key}`, label: set.key, text: `${shown}  <- ${set.from}${set.ignored ? `  (ignored: ${set.ignored})` : ''}`, kind: 'setting' })
    }
    for (const note of s.notes) rows.push({ section: s.id, key: `note:${s.id}:${note}`, label: 'note', text: note, kind: 'note' })
    for (const f of s.fetches) rows.push({ section: s.id, key: `fetch:${s.id}:${f}`, label: 'fetches', text: f, kind: 'fetch' })
    if (p.reporting) rows.push({ section: s.id, key: `stall:${s.id}`, label: `${s.id} stalled after`, text: stallText(s), kind: 'stall' })
  }
  return rows
}

interface Merged {
  row: Row
  /** Text per group label; a group without the row is absent. */
  texts: Map<string, string>
}

const SECTION_ORDER = new Map<string, number>([['head', -2], ['sources', -1], ...STEP_ORDER.map((d, i): [string, number] => [d.id, i])])

function merge(groups: readonly PlanGroup[]): Merged[] {
  const byKey = new Map<string, Merged>()
  const order: Merged[] = []
  for (const g of groups) {
    for (const row of rowsOf(g.plan)) {
      let m = byKey.get(row.key)
      if (!m) {
        m = { row, texts: new Map() }
        byKey.set(row.key, m)
        order.push(m)
      }
      m.texts.set(g.label, row.text)
    }
  }
  // Stable: rows keep their first-seen order within a section; sections follow the step order.
  return order
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (SECTION_ORDER.get(a.m.row.section) ?? 1e9) - (SECTION_ORDER.get(b.m.row.section) ?? 1e9) || a.i - b.i)
    .map((x) => x.m)
}

/** Cells no wider than this go side by side; a row with a longer one is printed one group per line. */
const CELL_WIDTH = 34

function differenceLines(rows: readonly Merged[], labels: readonly string[]): string[] {
  if (rows.length === 0) return []
  const lines = ['differences between the groups:']
  const cell = (m: Merged, l: string): string => m.texts.get(l) ?? '-'
  const narrow = rows.filter((m) => labels.every((l) => cell(m, l).length <= CELL_WIDTH))
  const wide = rows.filter((m) => !narrow.includes(m))
  if (narrow.length) {
    const labelWidth = Math.max(...narrow.map((m) => m.row.label.length), 5)
    const widths = labels.map((l) => Math.max(`group ${l}`.length, ...narrow.map((m) => cell(m, l).length)))
    const line = (first: string, cells: string[]): string =>
      `  ${first.padEnd(labelWidth)}  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()
    lines.push(line('', labels.map((l) => `group ${l}`)))
    for (const m of narrow) lines.push(line(m.row.label, labels.map((l) => cell(m, l))))
  }
  for (const m of wide) {
    lines.push(`  ${m.row.label}:`)
    for (const l of labels) lines.push(`      ${l}: ${cell(m, l)}`)
  }
  if (rows.some((m) => labels.some((l) => !m.texts.has(l)))) lines.push('  (-: the group does not have it)')
  return lines
}

/** The whole grouped plan as text. `name`: the cluster's name; `total`: how many nodes were planned. */
export function formatGroups(groups: readonly PlanGroup[], name: string): string {
  const total = groups.reduce((n, g) => n + g.hosts.length, 0)
  const labels = groups.map((g) => g.label)
  const all = new Set(labels)
  const lines = [
    `${name}: ${total} node${total === 1 ? '' : 's'}, ${groups.length} plan${groups.length === 1 ? '' : 's'}` +
      ` (the nodes of a group have the same plan; plan --node NAME or plan --full shows each node's own)`,
    '',
  ]
  const ranges = hostRanges(groups.map((g) => g.hosts))
  groups.forEach((g, i) => {
    lines.push(`group ${g.label}: ${g.hosts.length} node${g.hosts.length === 1 ? '' : 's'} (roles: ${g.plan.roles.join(', ')})`)
    lines.push(...wrap(ranges[i]!.join(', '), '    '))
  })
  const merged = merge(groups)
  const differs = merged.filter((m) => new Set(m.texts.values()).size > 1)
  if (groups.length > 1) {
    lines.push('')
    lines.push(...differenceLines(differs, labels))
  }
  lines.push('')
  lines.push(groups.length > 1 ? 'the plan (lines for some groups only are tagged with them):' : 'the plan:')
  const stepGroups = new Map<string, Set<string>>()
  for (const m of merged) if (m.row.kind === 'step') stepGroups.set(m.row.section, new Set(m.texts.keys()))
  const tag = (have: Set<string>, of: Set<string>): string =>
    have.size === of.size ? '' : `  [${labels.filter((l) => have.has(l)).join(', ')}]`
  let stepNo = 0
  let inSources = false
  for (const m of merged) {
    const have = new Set(m.texts.keys())
    const same = new Set(m.texts.values()).size === 1
    const text = same ? [...m.texts.values()][0]! : '(differs between the groups: see above)'
    switch (m.row.kind) {
      case 'head':
        lines.push(`  ${m.row.label}: ${text}${tag(have, all)}`)
        break
      case 'source':
        if (!inSources) lines.push('  sources:')
        inSources = true
        lines.push(`        ${m.row.label}: ${text}${tag(have, all)}`)
        break
      case 'step':
        stepNo++
        lines.push(`  ${String(stepNo).padStart(2)}. ${text}${tag(have, all)}`)
        break
      case 'setting':
        lines.push(`        ${m.row.label} = ${text}${tag(have, stepGroups.get(m.row.section) ?? all)}`)
        break
      case 'note':
        lines.push(`        note: ${text}${tag(have, stepGroups.get(m.row.section) ?? all)}`)
        break
      case 'fetch':
        lines.push(`        fetches ${text}${tag(have, stepGroups.get(m.row.section) ?? all)}`)
        break
      case 'stall':
        lines.push(`        stalled when silent for ${text}${tag(have, stepGroups.get(m.row.section) ?? all)}`)
        break
    }
  }
  return lines.join('\n') + '\n'
}

/** `text` (a comma-separated list) wrapped at about 100 columns, each line indented. */
function wrap(text: string, indent: string): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > 100) {
      out.push(indent + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(indent + line)
  return out
}
