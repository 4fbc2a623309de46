// Throughput of the ISO 9660 writer against xorriso and cp on one large file (default 1 GiB), with the writer's
// peak RSS. Each contender runs `runs` times on a warm page cache, after a sync; the median wall time is reported
// (the output's writeback to disk is not included, for any of them).
// Usage: node dist/bench/iso9660-throughput.js [MiB] [runs]
import { spawnSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface IsoBenchResult {
  bytes: number
  /** Median seconds per contender. */
  seconds: { ours: number; xorriso: number; cp: number }
  /** MB/s (10^6 bytes per second) per contender. */
  mbPerSecond: { ours: number; xorriso: number; cp: number }
  oursPeakRssMiB: number
}

function timed(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.error?.message ?? r.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** Flushes earlier runs' dirty pages, so that no contender pays for another's writeback. */
function settle(): void {
  spawnSync('sync')
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function runIsoBench(sizeMiB = 1024, runs = 3): Promise<IsoBenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'iso9660-bench-'))
  try {
    const src = join(work, 'src')
    const data = join(src, 'data.bin')
    await mkdir(src)
    const fh = await open(data, 'w')
    const chunk = Buffer.alloc(4 << 20)
    for (let left = sizeMiB << 20; left > 0; left -= chunk.length) {
      randomFillSync(chunk)
      await fh.write(chunk, 0, Math.min(chunk.length, left))
    }
    await fh.close()
    const module = new URL('../src/iso9660/index.js', import.meta.url).href
    const out = join(work, 'out')
    const ours: number[] = []
    const xorriso: number[] = []
    const cp: number[] = []
    let rssKiB = 0
    for (let i = 0; i < runs; i++) {
      const script =
        `const { writeIso } = await import(${JSON.stringify(module)});` +
        `await writeIso({ sourceDir: ${JSON.stringify(src)}, outFile: ${JSON.stringify(out)} });` +
        `console.log(process.resourceUsage().maxRSS)`
      settle()
      const start = process.hrtime.bigint()
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`writeIso failed: ${r.stderr}`)
      ours.push(Number(process.hrtime.bigint() - start) / 1e9)
      rssKiB = Math.max(rssKiB, Number(r.stdout.trim()))
      await rm(out)
      settle()
      xorriso.push(timed('xorriso', ['-outdev', out, '-volid', 'cidata', '-joliet', 'on', '-map', src, '/', '-commit']))
      await rm(out)
      settle()
      cp.push(timed('cp', [data, out]))
      await rm(out)
    }
    const bytes = sizeMiB * 2 ** 20
    const seconds = { ours: median(ours), xorriso: median(xorriso), cp: median(cp) }
    const rate = (s: number): number => Math.round(bytes / s / 1e6)
    return {
      bytes,
      seconds,
      mbPerSecond: { ours: rate(seconds.ours), xorriso: rate(seconds.xorriso), cp: rate(seconds.cp) },
      oursPeakRssMiB: Math.round(rssKiB / 1024),
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mib, runs] = process.argv.slice(2).map(Number)
  console.log(JSON.stringify(await runIsoBench(mib || 1024, runs || 3), null, 2))
}
