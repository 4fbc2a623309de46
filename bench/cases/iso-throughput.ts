// ISO writer throughput on the 1 GiB payload folder: our writer, xorriso and genisoimage (both as mkisofs with
// Joliet and Rock Ridge) and cp of the same folder, which is what the write path of this disk allows.
// Before each run the previous output is removed and dirty pages are flushed (untimed), so no run pays for the
// write-back of the one before. Times are to the end of each process; none of the programs calls fsync.
import { spawnSync } from 'node:child_process'
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { benchBin, workDir } from '../lib/paths.js'
import { outputDir } from '../lib/scratch.js'
import { ensurePayload, PAYLOAD_BYTES } from '../lib/payload.js'
import { runRounds, type Contestant, type Series } from '../lib/rounds.js'
import { runTimed } from '../lib/timed-run.js'

export interface IsoThroughputFigures {
  payloadBytes: number
  series: Record<string, Series & { mibPerSecond: number }>
  /** xorriso time / our time: >= 1 means we are at least as fast. */
  vsXorriso: number
  vsGenisoimage: number
  /** cp time / our time: the fraction of the disk's copy speed we reach. */
  ofCp: number
}

export const OURS = 'bai-seed writer'
export const GENISOIMAGE = 'genisoimage -J -R'

function sizeAtLeast(path: string, bytes: number): () => void {
  return () => {
    const size = statSync(path).size
    if (size < bytes) throw new Error(`${path}: ${size} bytes, expected at least ${bytes}`)
  }
}

export function benchIsoThroughput(runs: number, log: (line: string) => void): IsoThroughputFigures {
  const payload = join(workDir, 'payload')
  log(`ISO throughput, 1 GiB payload (${payload})`)
  if (ensurePayload(payload)) log('  made the payload folder')
  const out = outputDir('iso-out')
  const image = join(out, 'image.iso')
  const copy = join(out, 'copy')
  const fresh = () => {
    rmSync(out, { recursive: true, force: true })
    spawnSync('mkdir', ['-p', out])
    spawnSync('sync')
  }
  const isoCheck = sizeAtLeast(image, PAYLOAD_BYTES)
  const contestants: Contestant[] = [
    { name: OURS, prepare: fresh, run: () => runTimed(process.execPath, [benchBin('iso-write'), payload, image]), check: isoCheck },
    { name: 'xorriso -as mkisofs -J -R', prepare: fresh, run: () => runTimed('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '-R', '-o', image, payload]), check: isoCheck },
    { name: GENISOIMAGE, prepare: fresh, run: () => runTimed('genisoimage', ['-quiet', '-J', '-R', '-o', image, payload]), check: isoCheck },
    {
      name: 'cp -r',
      prepare: fresh,
      // --reflink=never: a reflink copy shares blocks and writes nothing, which would not be a disk limit.
      run: () => runTimed('cp', ['-r', '--reflink=never', payload, copy]),
      check: () => sizeAtLeast(join(copy, 'large-0.img'), 1)(),
    },
  ]
  const results = runRounds(contestants, runs, 0, log)
  rmSync(out, { recursive: true, force: true })
  const series: IsoThroughputFigures['series'] = {}
  for (const [name, s] of results) series[name] = { ...s, mibPerSecond: PAYLOAD_BYTES / 2 ** 20 / (s.wallMs.median / 1000) }
  const t = (name: string) => results.get(name)!.wallMs.median
  return {
    payloadBytes: PAYLOAD_BYTES,
    series,
    vsXorriso: t('xorriso -as mkisofs -J -R') / t(OURS),
    vsGenisoimage: t(GENISOIMAGE) / t(OURS),
    ofCp: t('cp -r') / t(OURS),
  }
}
