// The installer ISO of `bai-seed iso`, booted in qemu: a fixture base ISO with Ubuntu 20.04's paths and boot layout
// (test/helpers/ubuntu-fixture-iso.ts; its casper/ holds Debian's kernel and the busybox fixture initramfs) is
// remastered, then booted as a CD and as a disk (USB stick) under BIOS (SeaBIOS) and UEFI (OVMF). The fixture init
// prints the kernel command line (it must carry `autoinstall` and the seed), mounts the medium, runs the seed's
// node-selection early-command with the VM's MAC and DMI serial number (qemu -smbios type=1,serial=) and shows the
// chosen node; an unknown MAC shows the refusal. The inventory is the example's with serial numbers: bai-a01 needs
// its MAC and its serial, bai-a02 has only a serial.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { buildUbuntu2004FixtureIso } from '../helpers/ubuntu-fixture-iso.js'
import { e2eWorkDir } from './e2e-paths.js'
import { buildFixtureInitramfs, fixtureKernel } from './netboot-fixture.js'
import { runVm, tail } from './netboot-vm.js'
import { assertInstalledFromMedium, FIXTURE_END as END } from './installer-boot-check.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('installer-iso')

const work = e2eWorkDir('installer-iso')
let iso = ''

test.before(() => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const kernel = fixtureKernel()
  const initrd = buildFixtureInitramfs(work, kernel)
  const base = buildUbuntu2004FixtureIso({ dir: work, vmlinuz: kernel.vmlinuz, initrd })
  const out = join(work, 'out')
  const inventory = join(work, 'cluster.yaml')
  writeFileSync(
    inventory,
    readFileSync(exampleInventory, 'utf8')
      .replace('    mac: "52:54:00:20:30:20"\n', '    mac: "52:54:00:20:30:20"\n    serial: SN-A01\n')
      .replace('    mac: "52:54:00:20:30:22"\n', '    serial: SN-A02\n'),
  )
  const r = runCli(['iso', '--base', base, '-c', inventory, '-o', out])
  assert.is(r.status, 0, r.stderr)
  iso = join(out, 'installer', 'bai-example-autoinstall.iso')
})

const CASES = [
  { firmware: 'bios', medium: 'cd', host: 'bai-m1', mac: '52:54:00:20:30:10', serial: 'QEMU-1' },
  { firmware: 'bios', medium: 'disk', host: 'bai-a01', mac: '52:54:00:20:30:20', serial: 'SN-A01' },
  { firmware: 'uefi', medium: 'cd', host: 'bai-a02', mac: '52:54:00:20:30:99', serial: 'SN-A02' },
  { firmware: 'uefi', medium: 'disk', host: 'bai-a01', mac: '52:54:00:20:30:20', serial: 'SN-A01' },
] as const

for (const c of CASES) {
  test(`${c.firmware} ${c.medium}: autoinstall from the medium's seed, node ${c.host} chosen by MAC ${c.mac} / serial ${c.serial}`, async () => {
    const r = await runVm({
      firmware: c.firmware,
      workDir: work,
      name: `${c.firmware}-${c.medium}`,
      mac: c.mac,
      smbiosSerial: c.serial,
      ...(c.medium === 'cd' ? { cdrom: iso } : { bootDisk: iso }),
      until: [END],
      timeoutSeconds: 900,
    })
    assertInstalledFromMedium(r.console, c.host, `${c.firmware} ${c.medium}`)
    process.stdout.write(`# ${c.firmware} ${c.medium}: ${r.seconds.toFixed(0)} s\n`)
  })
}

test('a machine whose MAC is no node stops before any disk is touched, naming what it saw and expected', async () => {
  // bai-a01's serial without its MAC: not bai-a01 either.
  const r = await runVm({ firmware: 'bios', workDir: work, name: 'unknown', mac: '52:54:00:99:99:99', smbiosSerial: 'SN-A01', cdrom: iso, until: [END], timeoutSeconds: 900 })
  const where = tail(r.console)
  assert.match(r.console, /bai-seed: this machine matches no node of cluster bai-example: not installing, no disk was touched\./, where)
  assert.match(r.console, /bai-seed: MAC addresses seen: 52:54:00:99:99:99/, where)
  assert.match(r.console, /bai-seed: DMI serial number seen: SN-A01/, where)
  assert.match(r.console, /bai-a01: 52:54:00:20:30:20, serial SN-A01/, where)
  assert.match(r.console, /bai-a02: serial SN-A02/, where)
  assert.match(r.console, /FIXTURE-REFUSED: exit 1/, where)
  assert.not.match(r.console, /FIXTURE-SELECTED/, where)
})

test.run()
