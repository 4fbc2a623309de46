// The installer ISO's node-selection early-command (nocloud/select-node.sh), run with sh against a fake /sys
// (BAI_SEED_SYS): a node matches only when every identifier the inventory gives for it matches this machine (its MAC
// among the interfaces' addresses, its DMI serial number equal to /sys/class/dmi/id/product_serial); no match or
// several stop before the autoinstall config is written. The qemu boot with -smbios type=1,serial= is in
// test/e2e/installer-iso.test.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { requireTool, run } from '../helpers/tools.js'
import { planInventory } from '../render/pxe/pxe-fixture.js'
import { installerSeed } from '../../src/iso/installer-seed.js'

const dir = tempDir('select-node')
// The example's three nodes: bai-m1 by MAC only, bai-a01 by MAC and serial, bai-a02 by serial only.
const inventory = join(dir, 'cluster.yaml')
writeFileSync(
  inventory,
  readFileSync(exampleInventory, 'utf8')
    .replace('    mac: "52:54:00:20:30:20"\n', '    mac: "52:54:00:20:30:20"\n    serial: SN-A01\n')
    .replace('    mac: "52:54:00:20:30:22"\n', '    serial: "SN A02/x"\n'),
)
const seed = installerSeed(planInventory(inventory), 'bai-example')
const script = join(dir, 'nocloud', 'select-node.sh')

test.before(() => {
  for (const f of seed.files) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true })
    writeFileSync(join(dir, f.path), f.content)
    chmodSync(join(dir, f.path), f.mode)
  }
})

interface Machine {
  macs: string[]
  /** The product_serial file's content; undefined: no such file (or unreadable). */
  serial?: string
}

function select(m: Machine): { status: number | null; chosen: string | null; said: string } {
  const sys = join(dir, 'sys')
  rmSync(sys, { recursive: true, force: true })
  m.macs.forEach((mac, i) => {
    mkdirSync(join(sys, 'class', 'net', `eth${i}`), { recursive: true })
    writeFileSync(join(sys, 'class', 'net', `eth${i}`, 'address'), `${mac}\n`)
  })
  mkdirSync(join(sys, 'class', 'net', 'lo'), { recursive: true })
  writeFileSync(join(sys, 'class', 'net', 'lo', 'address'), '00:00:00:00:00:00\n')
  if (m.serial !== undefined) {
    mkdirSync(join(sys, 'class', 'dmi', 'id'), { recursive: true })
    writeFileSync(join(sys, 'class', 'dmi', 'id', 'product_serial'), m.serial)
  }
  const target = join(dir, 'autoinstall.yaml')
  rmSync(target, { force: true })
  const r = spawnSync('sh', [script], { encoding: 'utf8', env: { ...process.env, BAI_SEED_SYS: sys, BAI_SEED_AUTOINSTALL: target } })
  const chosen = existsSync(target) ? (/^\s*hostname: (\S+)/m.exec(readFileSync(target, 'utf8'))?.[1] ?? '?') : null
  return { status: r.status, chosen, said: r.stderr }
}

const CASES: { name: string; machine: Machine; chosen: string | null; said?: RegExp }[] = [
  { name: 'MAC only: any serial', machine: { macs: ['52:54:00:20:30:10'], serial: 'WHATEVER\n' }, chosen: 'bai-m1' },
  { name: 'MAC only: no DMI serial at all', machine: { macs: ['52:54:00:20:30:10'] }, chosen: 'bai-m1' },
  { name: 'MAC in upper case among other NICs', machine: { macs: ['02:00:00:00:00:01', '52:54:00:20:30:10'.toUpperCase()] }, chosen: 'bai-m1' },
  { name: 'MAC and serial both match (firmware pads the serial)', machine: { macs: ['52:54:00:20:30:20'], serial: '  SN-A01  \n' }, chosen: 'bai-a01' },
  {
    name: 'MAC matches, serial differs: refused',
    machine: { macs: ['52:54:00:20:30:20'], serial: 'SN-OTHER\n' },
    chosen: null,
    said: /matches no node[\s\S]*MAC addresses seen: 52:54:00:20:30:20 [\s\S]*DMI serial number seen: SN-OTHER\n[\s\S]*  bai-a01: 52:54:00:20:30:20, serial SN-A01\n/,
  },
  { name: 'MAC matches, serial unreadable: refused', machine: { macs: ['52:54:00:20:30:20'] }, chosen: null, said: /DMI serial number seen: \(none\)/ },
  { name: 'serial only (with a space and a slash)', machine: { macs: ['02:00:00:00:00:02'], serial: 'SN A02/x\n' }, chosen: 'bai-a02' },
  { name: 'serial case differs: refused', machine: { macs: ['02:00:00:00:00:02'], serial: 'sn a02/x\n' }, chosen: null, said: /  bai-a02: serial SN A02\/x\n/ },
  { name: 'unknown MAC, no serial: refused', machine: { macs: ['52:54:00:99:99:99'] }, chosen: null, said: /MAC addresses seen: 52:54:00:99:99:99 / },
  {
    name: "one node's MAC and another's serial: several nodes, refused",
    machine: { macs: ['52:54:00:20:30:10'], serial: 'SN A02/x' },
    chosen: null,
    said: /matches several nodes \( bai-m1 bai-a02 \): not installing, no disk was touched/,
  },
]

for (const c of CASES) {
  test(`select-node: ${c.name}`, () => {
    const r = select(c.machine)
    assert.is(r.chosen, c.chosen, r.said)
    assert.is(r.status, c.chosen ? 0 : 1, r.said)
    if (c.chosen) assert.match(r.said, new RegExp(`this machine is ${c.chosen}; installing it`))
    else assert.match(r.said, /no disk was touched/)
    if (c.said) assert.match(r.said, c.said)
  })
}

test('select-node.sh passes shellcheck (POSIX sh)', () => {
  requireTool('shellcheck')
  const r = run('shellcheck', ['-s', 'sh', script])
  assert.is(r.status, 0, r.stdout + r.stderr)
})

test.run()
