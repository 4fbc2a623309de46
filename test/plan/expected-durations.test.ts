// settings.expected_durations (issue 21: "each step has an expected duration ... a profile may override"): a profile
// or a node override sets a step's duration; the plan carries it (and `plan` says who set it), the rendered
// provision.sh sends it with the step's start (the stall deadline `status` uses), steps left out keep the registry's
// own, and a bad value stops `plan` and `render` with its file, line and column (exit 2, nothing written).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fixtures, tempDir } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { M } from '../../src/diagnostics/messages.js'

interface JsonStep { id: string; expect: number; expectFrom?: string }
interface JsonPlan { hostname: string; steps: JsonStep[] }

const dir = tempDir('durations')
const profiles = join(dir, 'profiles')
mkdirSync(profiles)
writeFileSync(join(profiles, 'agent-gpu.yaml'), 'extends: [agent-gpu]\nsettings:\n  expected_durations:\n    nvidia-driver: 45m\n    hosts: 90s\n    images: 2h\n')
// bai-a02 shortens its images step in its own overrides: the node's value wins over the profile's.
const inventory = join(dir, 'cluster.yaml')
writeFileSync(
  inventory,
  readFileSync(join(fixtures, 'reporting.yaml'), 'utf8').replace(
    '    comment: agent node 02 (GPU 02)\n',
    '    comment: agent node 02 (GPU 02)\n    overrides:\n      expected_durations: {images: 10m}\n',
  ),
)

const expectOf = (plan: JsonPlan, id: string): JsonStep => plan.steps.find((s) => s.id === id)!

test('plan --json: the profile and node values replace the step registry\'s, and say where they came from', () => {
  const r = runCli(['plan', inventory, '--profiles', profiles, '--json', '--full'])
  assert.is(r.status, 0, r.stderr)
  const plans = JSON.parse(r.stdout) as JsonPlan[]
  const [m1, a01, a02] = ['bai-m1', 'bai-a01', 'bai-a02'].map((h) => plans.find((p) => p.hostname === h)!)
  assert.is(expectOf(a01!, 'nvidia-driver').expect, 2700)
  // A profile from a --profiles folder is named with its folder, as the settings' sources are.
  assert.match(expectOf(a01!, 'nvidia-driver').expectFrom!, /^agent-gpu \(\S+\/profiles\)$/)
  assert.is(expectOf(a01!, 'hosts').expect, 90)
  assert.is(expectOf(a01!, 'images').expect, 7200)
  assert.equal([expectOf(a02!, 'images').expect, expectOf(a02!, 'images').expectFrom], [600, 'node:bai-a02'])
  assert.is(expectOf(a02!, 'nvidia-driver').expect, 2700, 'the profile value where the node sets none')
  // Left out: the registry's own (the Fabric Manager step 45 min, most steps 15 min), with no source.
  assert.equal([expectOf(a01!, 'nvidia-cuda').expect, expectOf(a01!, 'nvidia-cuda').expectFrom], [45 * 60, undefined])
  assert.equal([expectOf(a01!, 'user').expect, expectOf(a01!, 'user').expectFrom], [15 * 60, undefined])
  // The manager does not take the agent-gpu profile: nothing of it changes.
  assert.is(expectOf(m1!, 'hosts').expect, 15 * 60)
})

test('plan text: the deadline line names who set it; the default lines stay as they were', () => {
  const r = runCli(['plan', inventory, '--profiles', profiles, '--node', 'bai-a02'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /\. nvidia-driver[^\n]*\n(?: {8}[^\n]*\n)*? {8}stalled when silent for 45 min {2}<- agent-gpu \(\S+\) expected_durations\.nvidia-driver\n/)
  assert.match(r.stdout, /\. hosts[^\n]*\n(?: {8}[^\n]*\n)*? {8}stalled when silent for 90 s {2}<- agent-gpu \(\S+\) expected_durations\.hosts\n/)
  assert.match(r.stdout, /\. images[^\n]*\n(?: {8}[^\n]*\n)*? {8}stalled when silent for 10 min {2}<- node:bai-a02 expected_durations\.images\n/)
  assert.match(r.stdout, /\. user[^\n]*\n(?: {8}[^\n]*\n)*? {8}stalled when silent for 15 min\n/)
})

test('plan (the groups): each step\'s deadline line, tagged with the groups it belongs to; node values said generally', () => {
  const r = runCli(['plan', inventory, '--profiles', profiles])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^ {2}reports to: (?:http:\/\/10\.20\.3[01]\.5:8080\/report\/<hostname>\/<token> {2}<- inventory [^\n]+|\(differs between the groups: see above\))\n/m)
  assert.match(r.stdout, /^ {8}stalled when silent for 45 min {2}<- agent-gpu \(\S+\) expected_durations\.nvidia-driver(?: {2}\[[A-Z, ]+\])?\n/m)
  // bai-a02's own value, in the table of differences, said as a node override (not by its name).
  assert.match(r.stdout, /\n {2}images stalled after:\n(?: {6}[^\n]*\n)*? {6}C: 10 min {2}<- node override expected_durations\.images\n/)
  assert.not.match(r.stdout, /node:bai-a02/)
})

test('render: provision.sh sends the resolved duration with each step\'s start', () => {
  const out = join(dir, 'out')
  const r = runCli(['render', inventory, '--profiles', profiles, '-o', out])
  assert.is(r.status, 0, r.stderr)
  const table = (host: string): string => /^declare -Ar STEP_EXPECT=\((.*)\)$/m.exec(readFileSync(join(out, host, 'provision.sh'), 'utf8'))![1]!
  assert.match(table('bai-a01'), /\[nvidia-driver\]=2700 /)
  assert.match(table('bai-a01'), /\[hosts\]=90 /)
  assert.match(table('bai-a01'), /\[images\]=7200 /)
  assert.match(table('bai-a02'), /\[images\]=600 /)
  assert.match(table('bai-m1'), /\[hosts\]=900 /)
})

test('a bad duration or an unknown step: exit 2, every problem with file:line:col, nothing written', () => {
  const bad = join(dir, 'bad-profiles')
  mkdirSync(bad)
  const file = join(bad, 'agent-gpu.yaml')
  writeFileSync(file, 'extends: [agent-gpu]\nsettings:\n  expected_durations:\n    nvidia-drivers: 45m\n    images: 0s\n    hosts: 3d\n')
  const out = join(dir, 'bad-out')
  const r = runCli(['render', inventory, '--profiles', bad, '-o', out])
  assert.is(r.status, 2, r.stderr)
  assert.ok(r.stderr.includes(`${file}:4:5: error[UNKNOWN_STEP] settings.expected_durations.nvidia-drivers: ${M.unknownStep('nvidia-drivers', 'nvidia-driver')}`), r.stderr)
  assert.ok(r.stderr.includes(`${file}:5:13: error[DURATION_NOT_POSITIVE] settings.expected_durations.images: ${M.durationNotPositive}`), r.stderr)
  assert.ok(r.stderr.includes(`${file}:6:12: error[BAD_DURATION] settings.expected_durations.hosts: ${M.badDuration}`), r.stderr)
  assert.match(r.stderr, /3 errors; nothing written\n$/)
  assert.not.ok(existsSync(out))
  const plan = runCli(['plan', inventory, '--profiles', bad])
  assert.is(plan.status, 2, plan.stderr)
  // A node override is checked the same way, at its place in the inventory.
  const inv2 = join(dir, 'bad-node.yaml')
  writeFileSync(inv2, readFileSync(inventory, 'utf8').replace('expected_durations: {images: 10m}', 'expected_durations: {images: 25h}'))
  const node = runCli(['validate', inv2])
  assert.is(node.status, 2, node.stderr)
  assert.match(node.stderr, /bad-node\.yaml:\d+:\d+: error\[DURATION_TOO_LONG\] nodes\[2\]\.overrides\.expected_durations\.images: "25h" is more than 24h/)
})

test.run()
