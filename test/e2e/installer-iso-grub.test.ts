// The installer ISO of `bai-seed iso` from bases with Ubuntu 22.04's and 24.04's layout (GRUB El Torito image with
// GRUB 2 boot info, the EFI system partition appended as GPT partition 2, GRUB's hybrid MBR;
// test/helpers/ubuntu-grub-fixture-iso.ts builds them from Debian packages with xorriso), booted in qemu as a CD and
// as a disk (USB stick) under BIOS (SeaBIOS) and UEFI (OVMF: Debian's signed shim and CD GRUB from the appended ESP).
// The fixture init prints the kernel command line (it must carry `autoinstall` and the seed), mounts the medium, runs
// the seed's node-selection early-command with the VM's MAC and shows the chosen node.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { buildUbuntuGrubFixtureIso, type GrubLayoutRelease } from '../helpers/ubuntu-grub-fixture-iso.js'
import { e2eWorkDir } from './e2e-paths.js'
import { buildFixtureInitramfs, fixtureKernel } from './netboot-fixture.js'
import { runVm } from './netboot-vm.js'
import { assertInstalledFromMedium, FIXTURE_END as END } from './installer-boot-check.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('installer-iso-grub')

const work = e2eWorkDir('installer-iso-grub')
const isos = new Map<GrubLayoutRelease, string>()
const RELEASES: GrubLayoutRelease[] = ['22.04', '24.04']

test.before(() => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const kernel = fixtureKernel()
  const initrd = buildFixtureInitramfs(work, kernel)
  for (const release of RELEASES) {
    const base = buildUbuntuGrubFixtureIso({ dir: work, release, vmlinuz: kernel.vmlinuz, initrd })
    const out = join(work, `out-${release}`)
    const inventory = join(work, `cluster-${release}.yaml`)
    writeFileSync(inventory, readFileSync(exampleInventory, 'utf8').replace('  name: bai-example\n', `  name: bai-example\n  os: ubuntu-${release}\n`))
    const r = runCli(['iso', '--base', base, '-c', inventory, '-o', out])
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`Ubuntu ${release} layout`))
    isos.set(release, join(out, 'installer', 'bai-example-autoinstall.iso'))
  }
})

const CASES = [
  { firmware: 'bios', medium: 'cd', host: 'bai-m1', mac: '52:54:00:20:30:10' },
  { firmware: 'bios', medium: 'disk', host: 'bai-a01', mac: '52:54:00:20:30:20' },
  { firmware: 'uefi', medium: 'cd', host: 'bai-a02', mac: '52:54:00:20:30:22' },
  { firmware: 'uefi', medium: 'disk', host: 'bai-a01', mac: '52:54:00:20:30:20' },
] as const

for (const release of RELEASES) {
  for (const c of CASES) {
    test(`${release} layout, ${c.firmware} ${c.medium}: autoinstall from the medium's seed, node ${c.host} chosen`, async () => {
      const iso = isos.get(release)!
      const r = await runVm({
        firmware: c.firmware,
        workDir: work,
        name: `${release}-${c.firmware}-${c.medium}`,
        mac: c.mac,
        ...(c.medium === 'cd' ? { cdrom: iso } : { bootDisk: iso }),
        until: [END],
        timeoutSeconds: 900,
      })
      assertInstalledFromMedium(r.console, c.host, `${release} ${c.firmware} ${c.medium}`)
    process.stdout.write(`# ${release} ${c.firmware} ${c.medium}: ${r.seconds.toFixed(0)} s\n`)
    })
  }
}

test.run()
