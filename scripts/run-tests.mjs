#!/usr/bin/env node
// Runs the compiled uvu suites and ends with the line "N passed, N failed, N skipped" that CI reads.
// Usage: node scripts/run-tests.mjs [--e2e] [pattern]
//   default: every dist/test/**/*.test.js except the e2e folder; --e2e: only test/e2e.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const args = process.argv.slice(2)
const e2e = args.includes('--e2e')
const pattern = args.find((a) => !a.startsWith('--'))
const root = 'dist/test'

function walk(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...walk(p))
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const files = walk(root).filter((f) => {
  const inE2e = relative(root, f).startsWith('e2e/')
  if (e2e !== inE2e) return false
  return !pattern || f.includes(pattern)
})

// The VM tests append `e2e-state <node> boot<N> <step> <state>` lines here; they are printed at the end.
const e2eState = join(process.env.BAI_SEED_E2E_CACHE ? resolve(process.env.BAI_SEED_E2E_CACHE) : '.cache/e2e', 'work', 'e2e-state.txt')
if (e2e) rmSync(e2eState, { force: true })

let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 })
  const out = (r.stdout ?? '') + (r.stderr ?? '')
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const sk = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0)
  // uvu's Total leaves out skipped tests. A file that crashed before uvu could report counts as one failure.
  const bad = r.status !== 0 ? Math.max(total - ok, 1) : total - ok
  passed += ok
  failed += bad
  skipped += sk
  const secs = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(`${bad ? 'FAIL' : 'ok  '} ${relative(root, file)} (${ok}/${total}, ${secs}s)\n`)
  if (bad) process.stdout.write(out.replace(/^/gm, '    ') + '\n')
  // A suite that skips tests says why on a line "skip: REASON".
  else for (const m of out.matchAll(/^skip: (.*)$/gm)) process.stdout.write(`     skipped: ${m[1]}\n`)
}
if (files.length === 0) {
  process.stdout.write('no test files found\n')
  failed += 1
}
if (e2e && existsSync(e2eState)) process.stdout.write(`\n${readFileSync(e2eState, 'utf8')}`)
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failed ? 1 : 0)
