// The PXE tree of `bai-seed pxe`, booted in qemu: UEFI with Debian's signed grubnetx64.efi (OVMF), BIOS with PXELINUX
// (SeaBIOS + qemu's iPXE ROM as PXE stack), and iPXE with boot.ipxe over HTTP. qemu's user networking (restrict=on)
// gives DHCP and TFTP (out/pxe/ as TFTP root) and one forwarded address for `bai-seed serve` on loopback. The fixture
// kernel and initrd print their command line, fetch the node's user-data and meta-data from the s= URL and report the
// finished install to bai_seed.done= as the late-command does. Then the same MAC boots its local disk in every loader,
// `pxe --reinstall` undoes that, and an unknown MAC boots on to the next device (PXELINUX LOCALBOOT, iPXE exit) or,
// under UEFI, GRUB chainloads the disk's installed EFI loader (shim, then GRUB).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'
import { e2eCacheDir, e2eWorkDir } from './e2e-paths.js'
import { buildFixtureInitramfs, buildLocalDisk, fixtureKernel } from './netboot-fixture.js'
import { GUEST_SERVER, runVm, tail, type VmOptions } from './netboot-vm.js'
import { startStaticServer, type RunningServer } from '../../src/serve/static-server.js'
import { formatAccessLog, type AccessLogEntry } from '../../src/serve/access-log.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('pxe-boot')

const SIGNED_GRUB = '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed'
const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0'
const LDLINUX = '/usr/lib/syslinux/modules/bios/ldlinux.c32'
const UNKNOWN_MAC = '52:54:00:99:99:99'

// The example inventory: bai-m1 52:54:00:20:30:10, bai-a01 52:54:00:20:30:20, bai-a02 52:54:00:20:30:22.
const NODES = { grub: ['bai-m1', '52:54:00:20:30:10'], pxelinux: ['bai-a01', '52:54:00:20:30:20'], ipxe: ['bai-a02', '52:54:00:20:30:22'] } as const
type Loader = keyof typeof NODES

const work = e2eWorkDir('pxe-boot')
const out = join(work, 'out')
const tftp = join(out, 'pxe')
let disk = ''
let server: RunningServer
const log: AccessLogEntry[] = []

// The whole line (GRUB's echo reaches the serial log a few bytes at a time).
const LOCAL = /FIXTURE-LOCAL-DISK.*\n/
const END = /FIXTURE-END/

function boot(loader: Loader, mac: string, name: string, until: RegExp[]): Promise<{ console: string; timedOut: boolean; seconds: number }> {
  const o: VmOptions = {
    firmware: loader === 'grub' ? 'uefi' : 'bios',
    workDir: work,
    name,
    mac,
    tftpRoot: tftp,
    bootfile: loader === 'grub' ? 'grubnetx64.efi' : loader === 'pxelinux' ? 'pxelinux.0' : `http://${GUEST_SERVER}/pxe/ipxe/boot.ipxe`,
    serverPort: server.port,
    disk,
    until,
    // Generous: under TCG on a shared 2-core machine a UEFI boot took 300 s at a load average of 20.
    timeoutSeconds: 900,
  }
  return runVm(o)
}

function marker(mac: string): string {
  return join(tftp, 'installed', `01-${mac.replace(/:/g, '-')}`)
}

test.before(async () => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const kernel = fixtureKernel()
  const fixtures = join(e2eCacheDir(), 'netboot')
  mkdirSync(fixtures, { recursive: true })
  const initrd = buildFixtureInitramfs(work, kernel)
  disk = buildLocalDisk(work)
  void fixtures
  const r = runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso'])
  assert.is(r.status, 0, r.stderr)
  const p = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', `http://${GUEST_SERVER}/`])
  assert.is(p.status, 0, p.stderr)
  mkdirSync(join(tftp, 'casper'), { recursive: true })
  copyFileSync(kernel.vmlinuz, join(tftp, 'casper', 'vmlinuz'))
  copyFileSync(initrd, join(tftp, 'casper', 'initrd'))
  copyFileSync(SIGNED_GRUB, join(tftp, 'grubnetx64.efi'))
  copyFileSync(PXELINUX, join(tftp, 'pxelinux.0'))
  copyFileSync(LDLINUX, join(tftp, 'ldlinux.c32'))
  server = await startStaticServer({ root: out, host: '127.0.0.1', port: 0, log: (e) => log.push(e) })
})

test.after(async () => {
  await server?.close()
})

function assertInstalls(loader: Loader, console: string, host: string): void {
  const where = `${loader} ${host}:\n${tail(console)}`
  const cmdline = /FIXTURE-CMDLINE: (.*)/.exec(console)?.[1]
  assert.ok(cmdline, `the fixture kernel ran: ${where}`)
  const words = cmdline!.trim().split(/\s+/)
  assert.ok(words.includes('autoinstall'), where)
  assert.ok(words.includes(`ds=nocloud-net;s=http://${GUEST_SERVER}/${host}/autoinstall/`), `the ';' survived: ${where}`)
  assert.ok(words.some((w) => w.startsWith(`bai_seed.done=http://${GUEST_SERVER}/report/${host}/`)), where)
  assert.match(console, new RegExp(`FIXTURE-FETCHED meta-data: \\d+ bytes, local-hostname:${host}`), where)
  assert.match(console, new RegExp(`FIXTURE-FETCHED user-data: \\d+ bytes, hostname:${host}`), where)
  assert.match(console, new RegExp(`FIXTURE-REPORTED: 200 ${host} \\(`), where)
  assert.not.match(console, LOCAL, where)
}

function assertBootsLocally(loader: Loader, console: string, what: string): void {
  const where = `${loader} ${what}:\n${tail(console)}`
  assert.match(console, loader === 'grub' ? UEFI_LOCAL : LOCAL, `boots on to the local disk: ${where}`)
  assert.not.match(console, /FIXTURE-CMDLINE/, `no installer kernel: ${where}`)
}

// OVMF boots the fixture disk only through GRUB's local boot (the disk has no \EFI\BOOT\BOOTX64.EFI): the loader that
// ran is the installed system's \EFI\ubuntu\grubx64.efi, loaded by \EFI\ubuntu\shimx64.efi.
const UEFI_LOCAL = /FIXTURE-LOCAL-DISK \([^)]*\)\/EFI\/ubuntu/

const LOCAL_MESSAGES: Record<Loader, (host: string) => RegExp> = {
  grub: (host) => new RegExp(`${host}\\.cluster\\.internal is installed: boot from the local disk`),
  pxelinux: (host) => new RegExp(`bai-seed: ${host} reported a finished install; booting from the local disk`),
  ipxe: (host) => new RegExp(`bai-seed: ${host} reported a finished install; booting from the local disk`),
}

for (const loader of ['pxelinux', 'ipxe', 'grub'] as const) {
  const [host, mac] = NODES[loader]
  test(`${loader}: ${host} installs once (seed fetched, install reported), then boots its local disk; unknown MAC boots the next device`, async () => {
    assert.not.ok(existsSync(marker(mac)))
    const first = await boot(loader, mac, `${loader}-install`, [END, LOCAL])
    assertInstalls(loader, first.console, host)
    assert.ok(existsSync(marker(mac)), 'serve wrote the install marker')
    process.stdout.write(`# ${loader}: install boot ${first.seconds.toFixed(0)} s\n`)

    const second = await boot(loader, mac, `${loader}-installed`, [LOCAL, END])
    assertBootsLocally(loader, second.console, `${host} after its install`)
    assert.match(second.console, LOCAL_MESSAGES[loader](host), tail(second.console))
    process.stdout.write(`# ${loader}: local boot ${second.seconds.toFixed(0)} s\n`)

    const unknown = await boot(loader, UNKNOWN_MAC, `${loader}-unknown`, [LOCAL, END])
    assertBootsLocally(loader, unknown.console, 'unknown MAC')
    process.stdout.write(`# ${loader}: unknown MAC ${unknown.seconds.toFixed(0)} s\n`)
  })
}

test('pxe --reinstall: the next network boot installs again', async () => {
  const [host, mac] = NODES.ipxe
  const r = runCli(['pxe', '-o', out, '--reinstall', host])
  assert.is(r.status, 0, r.stderr)
  assert.not.ok(existsSync(marker(mac)))
  const again = await boot('ipxe', mac, 'ipxe-reinstall', [END, LOCAL])
  assertInstalls('ipxe', again.console, host)
})

/** The log line names the node (`node=NAME`, followed by the rule that let it through, `allow=...`). */
function named(line: string, host: string): boolean {
  return new RegExp(` node=${host}( |$)`).test(line)
}

test('serve logged each seed fetch and the per-node iPXE script with its node', () => {
  const lines = log.map(formatAccessLog)
  for (const host of ['bai-m1', 'bai-a01', 'bai-a02']) {
    assert.ok(lines.some((l) => l.includes(`GET /${host}/autoinstall/user-data 200 `) && named(l, host)), lines.join('\n'))
  }
  assert.ok(lines.some((l) => l.includes('GET /pxe/ipxe/bai-a02.ipxe 200 ') && named(l, 'bai-a02')), lines.join('\n'))
  assert.not.ok(lines.some((l) => /\/report\/[^/]+\/[A-Za-z0-9_]/.test(l)), 'no token in the log')
})

test.run()
