// `npm run bench`: render speed, seed ISOs against cloud-localds, ISO writer throughput against xorriso, genisoimage
// and cp, and start-up against `node -e 0`. Prints every figure (median and min-max), the goals with PASS/MISS, and
// writes bench/results.json. See bench/README.md.
//   --only render,seed,iso,startup,serve,fleet,payload   run some sections (payload: needs the VM tests' local upstream) (results go to bench/work/results.partial.json)
//   --runs N (5)  --big-runs N (5, the 1 GiB runs)  --startup-runs N (20)  --sizes 10,100,1000
//   --scratch DIR  the runs write into a new folder of their own inside DIR (default bench/work), e.g. /dev/shm to leave
//                  the disk out; only that folder is removed at the end
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { benchRenders } from './cases/render.js'
import { benchSeedIsos, seedIsoCase } from './cases/seed-isos.js'
import { benchIsoThroughput } from './cases/iso-throughput.js'
import { benchStartup } from './cases/startup.js'
import { benchServe } from './cases/serve.js'
import { benchPlanJson } from './cases/plan-json.js'
import { benchFleet } from './cases/fleet.js'
import { benchPayload } from './cases/payload.js'
import { checkGoals, type Figures } from './lib/goals.js'
import { describeMachine, loadAverage } from './lib/machine.js'
import { repoRoot, resultsFile, workDir } from './lib/paths.js'
import { missingTools, toolVersion } from './lib/tools.js'
import { printFigures, toJson } from './lib/report.js'
import { removeScratch, scratchRoot, setScratchParent } from './lib/scratch.js'
import { goalsTable, updateReadme } from './lib/readme-table.js'

// Renders first: they create the most files, and on ext4 without a journal files created soon after others were
// deleted (the 1 GiB section removes its output between runs) cost far more (see cases/render.ts).
const SECTIONS = ['render', 'plan', 'seed', 'iso', 'startup', 'serve', 'fleet', 'payload'] as const

/** Sizes from this one on run `--large-runs` times without a warm-up: a 10,000-node render takes about a minute. */
const LARGE_SIZE = 5000

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'big-runs': { type: 'string', default: '5' },
    'large-runs': { type: 'string', default: '2' },
    'plan-nodes': { type: 'string', default: '10000' },
    'startup-runs': { type: 'string', default: '20' },
    sizes: { type: 'string', default: '10,100,1000,10000' },
    scratch: { type: 'string' },
  },
})

function count(name: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`)
  return n
}

const only = values.only ? values.only.split(',') : [...SECTIONS]
for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${s} (known: ${SECTIONS.join(', ')})`)
const runs = count('runs', values.runs!)
const bigRuns = count('big-runs', values['big-runs']!)
const largeRuns = count('large-runs', values['large-runs']!)
const planNodes = count('plan-nodes', values['plan-nodes']!)
const startupRuns = count('startup-runs', values['startup-runs']!)
const sizes = values.sizes!.split(',').map((s) => count('sizes', s))

const missing = missingTools()
if (missing.length > 0) {
  process.stderr.write(`bench needs: ${missing.join(', ')}\n`)
  process.exit(1)
}

mkdirSync(workDir, { recursive: true })
if (values.scratch) setScratchParent(resolve(values.scratch))
const log = (line: string): void => void process.stderr.write(`${line}\n`)
const scratchDir = scratchRoot()
const machine = describeMachine(scratchDir)
const loadAtStart = loadAverage()
const started = new Date()
log(`bench on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load ${loadAtStart.join(' ')}`)

const figures: Figures = { cores: machine.cores }
try {
  if (only.includes('render')) {
    // The cloud-localds loop runs in the renders' rounds: the 1,000-node render is compared with it under the same load.
    const seed = only.includes('seed') ? seedIsoCase(100, log) : null
    const r = benchRenders(sizes, runs, largeRuns, LARGE_SIZE, log, seed?.contestants)
    figures.render = r.figures
    if (seed) figures.seedIsos = seed.figures(r.results)
  } else if (only.includes('seed')) figures.seedIsos = benchSeedIsos(100, runs, log)
  if (only.includes('plan')) figures.planJson = benchPlanJson(planNodes, Math.min(runs, 3), log)
  if (only.includes('iso')) figures.isoThroughput = benchIsoThroughput(bigRuns, log)
  if (only.includes('startup')) figures.startup = benchStartup(startupRuns, log)
  if (only.includes('serve')) figures.serve = await benchServe(Math.min(runs, 3), log)
  if (only.includes('fleet')) figures.fleet = await benchFleet(log)
  if (only.includes('payload')) figures.payload = await benchPayload(log)
} finally {
  removeScratch()
}

const goals = checkGoals(figures)
const loadAtEnd = loadAverage()
const out = (line: string): void => void process.stdout.write(`${line}\n`)
const d = machine.disk
out(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.kernel}`)
out(`Disk: ${d.device} ${d.fsType}${d.ext4Journal === false ? ' without journal' : ''}${d.rotational === false ? ', not rotational' : ''} (${scratchDir})`)
printFigures(figures, goals, out)
process.stdout.write(`\nload average at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}\n`)

const complete = only.length === SECTIONS.length
const target = complete ? resultsFile : join(workDir, 'results.partial.json')
const record = toJson({
  date: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  machine,
  loadAverage: { start: loadAtStart, end: loadAtEnd },
  tools: {
    xorriso: toolVersion('xorriso', '-version'),
    genisoimage: toolVersion('genisoimage'),
    cp: toolVersion('cp'),
  },
  settings: { runs, bigRuns, largeRuns, planNodes, startupRuns, sizes, scratch: scratchDir.startsWith(repoRoot) ? relative(repoRoot, dirname(scratchDir)) : dirname(scratchDir) },
  figures,
  goals,
})
writeFileSync(target, JSON.stringify(record, null, 2) + '\n')
process.stdout.write(`results written to ${relative(repoRoot, target)}\n`)
if (complete) {
  const readme = join(repoRoot, 'README.md')
  const table = goalsTable(goals, started, machine, { start: loadAtStart, end: loadAtEnd })
  process.stdout.write(updateReadme(readme, table) ? 'README.md benchmark table updated\n' : 'README.md has no benchmark markers: table not written\n')
}
const missed = goals.filter((g) => g.status === 'MISS').length
const met = goals.filter((g) => g.status === 'PASS').length
process.stdout.write(`goals: ${met} met, ${missed} missed, ${goals.length - met - missed} not measured\n`)
