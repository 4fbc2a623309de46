// The printed tables and the JSON record of a run.
import type { Figures, Goal } from './goals.js'
import type { Series } from './rounds.js'
import type { Spread } from './stats.js'
import { OURS } from '../cases/iso-throughput.js'
import { NODE_FLOOR } from '../cases/startup.js'

type Print = (line: string) => void

const s3 = (ms: number): string => (ms / 1000).toFixed(3)
const secs = (w: Spread): string => `${s3(w.median)} (${s3(w.min)}-${s3(w.max)})`
const mib = (kib: Spread): string => `${Math.round(kib.median / 1024)} (${Math.round(kib.min / 1024)}-${Math.round(kib.max / 1024)})`
const ms1 = (w: Spread): string => `${w.median.toFixed(1)} (${w.min.toFixed(1)}-${w.max.toFixed(1)})`

function table(print: Print, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`
  print(line(header))
  for (const r of rows) print(line(r))
}

export function printFigures(f: Figures, goals: Goal[], print: Print): void {
  print('')
  if (f.render) {
    print('Full render: node bin/run.js render (all text artifacts, 2 seed ISOs per node, manifest.json)')
    table(
      print,
      ['nodes', 'wall s median (min-max)', 'nodes/s', 'peak RSS MiB (min-max)', 'files', 'MiB out', 'KiB/node'],
      f.render.map((r) => [String(r.nodes), secs(r.series.wallMs), r.nodesPerSecond.toFixed(0), mib(r.series.maxRssKiB), String(r.files), (r.bytes / 2 ** 20).toFixed(1), (r.bytes / r.nodes / 1024).toFixed(1)]),
    )
    const compared = f.render.filter((r) => r.oneThread && r.copy)
    if (compared.length) {
      print('')
      print(`Render threads and cp -r of the rendered folder, side by side in the same rounds (${f.cores} cores)`)
      table(
        print,
        ['nodes', 'render s', '1 thread s', 'speed-up', 'cp -r s', 'render / cp -r'],
        compared.map((r) => [
          String(r.nodes),
          secs(r.series.wallMs),
          secs(r.oneThread!.wallMs),
          `${(r.oneThread!.wallMs.median / r.series.wallMs.median).toFixed(2)}x`,
          secs(r.copy!.wallMs),
          `${(r.series.wallMs.median / r.copy!.wallMs.median).toFixed(2)}x`,
        ]),
      )
    }
    print('')
  }
  if (f.payload) {
    const p = f.payload
    const m = (b: number): string => (b / 1024 / 1024).toFixed(1)
    print(`bai-seed payload, example cluster (${p.nodes} nodes) against the local upstream: cold ${p.coldSeconds.toFixed(1)} s, re-run ${p.rerunSeconds.toFixed(1)} s`)
    print(`  ${p.files} files (${p.debs} .debs), ${m(p.treeBytes)} MiB; payload.iso ${m(p.isoBytes)} MiB; images ${m(p.imagesArchiveBytes)} MiB in one archive (${m(p.imagesListedBytes)} MiB as the registries list them per image)`)
    print('')
  }
  if (f.planJson) {
    const p = f.planJson
    print(`plan --json, ${p.nodes} nodes (to /dev/null): ${secs(p.series.wallMs)} s, peak RSS ${mib(p.series.maxRssKiB)} MiB`)
    print('')
  }
  if (f.seedIsos) {
    const s = f.seedIsos
    print(`Seed ISOs for ${s.nodes} nodes (cloud-init/ folders, one ISO per node)`)
    table(print, ['tool', 'wall s median (min-max)', 'ms per ISO', 'peak RSS MiB'], [
      ['bai-seed writer (one process)', secs(s.ours.wallMs), s.oursMsPerIso.toFixed(2), mib(s.ours.maxRssKiB)],
      ['cloud-localds loop (bash)', secs(s.cloudLocalds.wallMs), s.cloudLocaldsMsPerIso.toFixed(2), mib(s.cloudLocalds.maxRssKiB)],
    ])
    print(`  bai-seed is ${s.speedup.toFixed(1)}x faster`)
    print('')
  }
  if (f.serve) {
    const v = f.serve
    print(`bai-seed serve from loopback clients (${v.smallFile.concurrency} concurrent for the small file)`)
    table(print, ['what', 'median (min-max)'], [
      [`${v.smallFile.bytes}-byte file, keep-alive, req/s`, `${v.smallFile.keepAlive.median.toFixed(0)} (${v.smallFile.keepAlive.min.toFixed(0)}-${v.smallFile.keepAlive.max.toFixed(0)})`],
      [`${v.smallFile.bytes}-byte file, new connection each, req/s`, `${v.smallFile.newConnection.median.toFixed(0)} (${v.smallFile.newConnection.min.toFixed(0)}-${v.smallFile.newConnection.max.toFixed(0)})`],
      ['1 GiB, one client, MiB/s', `${v.bigFile.oneClientMiBps.median.toFixed(0)} (${v.bigFile.oneClientMiBps.min.toFixed(0)}-${v.bigFile.oneClientMiBps.max.toFixed(0)})`],
      [`1 GiB, ${v.bigFile.clients} clients at once, MiB/s total`, `${v.bigFile.manyClientsMiBps.median.toFixed(0)} (${v.bigFile.manyClientsMiBps.min.toFixed(0)}-${v.bigFile.manyClientsMiBps.max.toFixed(0)})`],
    ])
    print(`  server peak RSS ${v.serverPeakRssMiB.toFixed(0)} MiB`)
    print('')
  }
  if (f.fleet) {
    const v = f.fleet
    print(`Fleet reporting: ${v.nodes} nodes x ${v.eventsPerNode} events at once, ${v.readers} status readers, kill -9 and restart of serve half-way`)
    table(print, ['what', 'value'], [
      ['events acknowledged (missing after the restart)', `${v.acked} (${v.missingAfterRestart})`],
      ['acknowledged events/s (restart included)', v.eventsPerSecond.toFixed(0)],
      ['ack latency p50 / p99 / max, ms', `${v.ackLatencyMs.p50.toFixed(1)} / ${v.ackLatencyMs.p99.toFixed(1)} / ${v.ackLatencyMs.max.toFixed(0)}`],
      ['status.json reads answered', String(v.statusReads)],
      ['restart (kill -9 to serving again), ms', v.restartMs.toFixed(0)],
      ['server CPU s (ms per event, status reads included)', `${v.serverCpuSeconds.toFixed(1)} (${v.serverCpuMsPerEvent.toFixed(2)})`],
      ['answers retried (status: count; 0 = no answer)', JSON.stringify(v.retried)],
    ])
    print(`  server peak RSS ${v.serverPeakRssMiB.toFixed(0)} MiB`)
    print('')
  }
  if (f.isoThroughput) {
    const t = f.isoThroughput
    const ours = t.series[OURS]!.wallMs.median
    print(`ISO writer on a ${(t.payloadBytes / 2 ** 30).toFixed(0)} GiB payload (3 large files, 512 small ones)`)
    table(
      print,
      ['tool', 'wall s median (min-max)', 'CPU s median', 'MiB/s', 'peak RSS MiB (min-max)', 'time / ours'],
      Object.entries(t.series).map(([name, s]: [string, Series & { mibPerSecond: number }]) => [
        name,
        secs(s.wallMs),
        s3(s.cpuMs.median),
        s.mibPerSecond.toFixed(0),
        mib(s.maxRssKiB),
        (s.wallMs.median / ours).toFixed(2),
      ]),
    )
    print(`  ours vs xorriso ${t.vsXorriso.toFixed(2)}x, vs genisoimage ${t.vsGenisoimage.toFixed(2)}x, ${(t.ofCp * 100).toFixed(0)}% of cp's speed`)
    print('')
  }
  if (f.startup) {
    const st = f.startup
    print('Start-up (wall ms)')
    table(
      print,
      ['command', 'ms median (min-max)', `x ${NODE_FLOOR}`],
      Object.entries(st.wallMs).map(([name, w]) => [name, ms1(w), name === NODE_FLOOR ? '1.00' : st.ratios[name]!.toFixed(2)]),
    )
    print('')
  }
  print('Goals')
  for (const g of goals) print(`  ${g.status.padEnd(4)}  ${g.goal}: ${g.measured}`)
}

/** Numbers rounded for the record (0.1 ms, 2 decimals for ratios); raw per-run samples kept as short arrays. */
export function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (key === 'samples' && Array.isArray(v)) {
        return (v as Array<{ wallMs: number; maxRssKiB: number }>).map((s) => ({ wallMs: Math.round(s.wallMs * 10) / 10, maxRssKiB: s.maxRssKiB }))
      }
      if (typeof v === 'number' && !Number.isInteger(v)) return Math.round(v * 100) / 100
      return v
    }),
  )
}
