// Boots a qemu machine from the network (or a CD/disk image) with BIOS (SeaBIOS, qemu's iPXE ROM as PXE stack) or UEFI
// (OVMF with its own virtio-net PXE, no option ROM), user networking with restrict=on: qemu's built-in DHCP and TFTP,
// and one guest address, 10.0.2.100:80, forwarded to an HTTP server on the host's loopback. A local disk is the next
// boot device. The serial console goes to a file, which is watched: the VM is stopped as soon as a pattern that ends
// the boot appears (boots of a kernel and initrd take seconds under TCG; firmware that found nothing would retry forever).
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE.fd'
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS.fd'
export const GUEST_SERVER = '10.0.2.100'

export interface VmOptions {
  firmware: 'bios' | 'uefi'
  workDir: string
  name: string
  mac: string
  /** Network boot: qemu's TFTP root and the DHCP boot file (a TFTP path or an http:// URL). */
  tftpRoot?: string
  bootfile?: string
  /** Loopback port that 10.0.2.100:80 reaches. */
  serverPort?: number
  /** The next boot device (read-only snapshot). */
  disk?: string
  /** Boot media instead of the network: an ISO as CD-ROM, or an image as the first disk. */
  cdrom?: string
  bootDisk?: string
  /** The machine's DMI system serial number (SMBIOS type 1). */
  smbiosSerial?: string
  /** Stop when one of these appears on the console. */
  until: RegExp[]
  timeoutSeconds?: number
}

export interface VmResult {
  console: string
  timedOut: boolean
  seconds: number
}

function args(o: VmOptions, log: string): string[] {
  // 1 GiB: with 512 MiB the kernel loaded by qemu's iPXE ROM resets right after "Probing EDD".
  const a = ['-accel', 'tcg', '-cpu', 'max', '-m', '1024', '-nographic', '-monitor', 'none', '-serial', `file:${log}`, '-no-reboot']
  if (o.firmware === 'uefi') {
    const vars = join(o.workDir, `${o.name}.vars.fd`)
    copyFileSync(OVMF_VARS, vars)
    a.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`)
  } else {
    // SeaBIOS mirrors its text console (and iPXE's, PXELINUX's) to COM1 when told the port in this fw_cfg file.
    const sercon = join(o.workDir, 'sercon-port')
    writeFileSync(sercon, Buffer.from([0xf8, 0x03]))
    a.push('-fw_cfg', `name=etc/sercon-port,file=${sercon}`)
  }
  if (o.smbiosSerial !== undefined) a.push('-smbios', `type=1,serial=${o.smbiosSerial.replace(/,/g, ',,')}`)
  let index = 1
  if (o.cdrom) a.push('-drive', `if=none,id=cd0,file=${o.cdrom},format=raw,media=cdrom,readonly=on`, '-device', `ide-cd,drive=cd0,bootindex=${index++}`)
  if (o.bootDisk) a.push('-drive', `if=none,id=bd0,file=${o.bootDisk},format=raw,snapshot=on`, '-device', `virtio-blk-pci,drive=bd0,bootindex=${index++}`)
  const net = ['user', 'id=n0', 'restrict=on', 'ipv6=off']
  if (o.tftpRoot) net.push(`tftp=${o.tftpRoot}`)
  if (o.bootfile) net.push(`bootfile=${o.bootfile}`)
  if (o.serverPort) net.push(`guestfwd=tcp:${GUEST_SERVER}:80-cmd:busybox nc 127.0.0.1 ${o.serverPort}`)
  const nic = ['virtio-net-pci', 'netdev=n0', `mac=${o.mac}`]
  if (o.tftpRoot || o.bootfile) nic.push(`bootindex=${index++}`)
  // UEFI: OVMF's own virtio-net driver and PXE; an iPXE EFI ROM would load the boot file itself.
  if (o.firmware === 'uefi') nic.push('romfile=')
  a.push('-netdev', net.join(','), '-device', nic.join(','))
  if (o.disk) a.push('-drive', `if=none,id=d0,file=${o.disk},format=raw,snapshot=on`, '-device', `virtio-blk-pci,drive=d0,bootindex=${index++}`)
  return a
}

function readConsole(log: string): string {
  if (!existsSync(log)) return ''
  return readFileSync(log, 'latin1').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '')
}

/** Runs the VM (under nice) until a pattern of `until` is on the console, qemu exits, or the timeout. */
export async function runVm(o: VmOptions): Promise<VmResult> {
  const log = join(o.workDir, `${o.name}.console.log`)
  rmSync(log, { force: true })
  const started = Date.now()
  const child = spawn('nice', ['-n', '10', 'qemu-system-x86_64', ...args(o, log)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  let timedOut = false
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code))
  })
  const deadline = started + (o.timeoutSeconds ?? 240) * 1000
  let done = false
  void exited.then(() => (done = true))
  while (!done) {
    await new Promise((r) => setTimeout(r, 500))
    if (o.until.some((re) => re.test(readConsole(log)))) break
    if (Date.now() > deadline) {
      timedOut = true
      break
    }
  }
  if (!done) child.kill('SIGKILL')
  const code = await exited
  const console = readConsole(log)
  if (code !== 0 && code !== null && !console && stderr.trim()) throw new Error(`qemu-system-x86_64 failed (exit ${code}):\n${stderr.trim()}`)
  return { console, timedOut, seconds: (Date.now() - started) / 1000 }
}

/** The last lines of a console, for assertion messages. */
export function tail(console: string, lines = 30): string {
  return console.split('\n').filter((l) => l.trim()).slice(-lines).join('\n')
}
