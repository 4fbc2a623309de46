// Boots the guest under qemu with its own kernel and initrd, the disk as /dev/vda and the seed ISO as /dev/vdb, no
// network, the serial console in a log file. TCG by default: KVM is nested on these machines and hangs after
// "Booting from ROM"; BAI_SEED_E2E_KVM=1 opts in where it works.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

export interface BootOptions {
  kernel: string
  initrd: string
  disk: string
  /** NoCloud seed ISO (volume label cidata), attached read-only; omitted for a boot without seed. */
  seed?: string
  consoleLog: string
  /** Hard limit; qemu is killed after it. Default BAI_SEED_E2E_TIMEOUT or 360 s. */
  timeoutSeconds?: number
  /**
   * Seconds of idle systemd (no jobs) after cloud-init ends before the guest's fallback unit powers it off and leaves
   * /var/lib/bai-e2e/fallback.log. 0 disables it. Default 30.
   */
  fallbackGraceSeconds?: number
  /**
   * A NIC on qemu user networking with restrict=on: the guest reaches nothing but the forwarded addresses, each
   * carried to a loopback port of this machine by one `busybox nc` per connection. Without it the guest has no NIC.
   */
  network?: GuestNetwork
  /** More images attached read-only after the seed (/dev/vdc ...), e.g. an offline payload volume. */
  extraDrives?: string[]
}

export interface GuestNetwork {
  mac: string
  /** Guest address:port -> loopback port here. */
  forwards: { guest: string; hostPort: number }[]
}

export interface BootResult {
  /** qemu's exit code; null when it was killed. */
  exitCode: number | null
  timedOut: boolean
  /** The kernel printed "reboot: Power down" (a clean poweroff, as opposed to a reboot or a crash). */
  poweredOff: boolean
  /** The guest asked for a reboot (qemu exits then because of -no-reboot). */
  rebooted: boolean
  seconds: number
  consoleLog: string
}

export function defaultTimeoutSeconds(): number {
  const fromEnv = Number(process.env.BAI_SEED_E2E_TIMEOUT)
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 360
}

export function qemuArgs(opts: BootOptions): string[] {
  const kvm = process.env.BAI_SEED_E2E_KVM === '1'
  const append = [
    'root=/dev/vda',
    'rw',
    'console=ttyS0',
    'edd=off',
    // An empty machine-id makes the boot a "first boot"; systemd-firstboot would then prompt on the console.
    'systemd.firstboot=off',
    // qemu's pc machine has a floppy controller with no disk; probing it costs seconds of I/O errors.
    'modprobe.blacklist=floppy',
    // A kernel panic (seen under TCG on a loaded machine: "IO-APIC + timer doesn't work") restarts at once, and
    // -no-reboot ends qemu: the test sees the console instead of waiting for its timeout.
    'panic=-1',
    `bai_e2e.grace=${opts.fallbackGraceSeconds ?? 30}`,
  ]
  const args = [
    ...(kvm ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max']),
    '-smp', '2',
    '-m', '2048',
    '-nographic',
    '-monitor', 'none',
    '-serial', `file:${opts.consoleLog}`,
    '-no-reboot',
    ...networkArgs(opts.network),
    '-kernel', opts.kernel,
    '-initrd', opts.initrd,
    '-append', append.join(' '),
    // A throwaway disk: the guest's flushes (dpkg and Docker fsync every file) need not reach this machine's disk;
    // what the guest wrote is in the image file once qemu exits either way.
    '-drive', `file=${opts.disk},if=virtio,format=raw,cache=unsafe`,
  ]
  if (opts.seed) args.push('-drive', `file=${opts.seed},if=virtio,format=raw,readonly=on`)
  for (const drive of opts.extraDrives ?? []) args.push('-drive', `file=${drive},if=virtio,format=raw,readonly=on`)
  return args
}

function networkArgs(net: GuestNetwork | undefined): string[] {
  if (!net) return ['-nic', 'none']
  const fwd = net.forwards.map((f) => `guestfwd=tcp:${f.guest}-cmd:busybox nc 127.0.0.1 ${f.hostPort}`)
  return ['-netdev', ['user', 'id=n0', 'restrict=on', ...fwd].join(','), '-device', `virtio-net-pci,netdev=n0,mac=${net.mac}`]
}

/** Runs the VM until it stops by itself or the timeout kills it. Never throws for what the guest did. */
export async function bootVm(opts: BootOptions): Promise<BootResult> {
  rmSync(opts.consoleLog, { force: true })
  const timeoutSeconds = opts.timeoutSeconds ?? defaultTimeoutSeconds()
  const started = Date.now()
  const child = spawn('qemu-system-x86_64', qemuArgs(opts), { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutSeconds * 1000)
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('qemu-system-x86_64 not found: the e2e test needs package qemu-system-x86') : e),
    )
    child.on('close', (code) => resolve(code))
  }).finally(() => clearTimeout(timer))
  if (exitCode !== 0 && !timedOut && stderr.trim()) {
    throw new Error(`qemu-system-x86_64 failed (exit ${exitCode}):\n${stderr.trim()}`)
  }
  const console = existsSync(opts.consoleLog) ? readFileSync(opts.consoleLog, 'latin1') : ''
  return {
    exitCode,
    timedOut,
    poweredOff: /reboot: Power down/.test(console),
    rebooted: /reboot: Restarting system/.test(console),
    seconds: (Date.now() - started) / 1000,
    consoleLog: opts.consoleLog,
  }
}

/** The last lines of the serial console, without terminal colour codes. */
export function consoleTail(result: BootResult, lines = 40): string {
  if (!existsSync(result.consoleLog)) return '(no console log)'
  const text = readFileSync(result.consoleLog, 'utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '')
  return text.split('\n').slice(-lines).join('\n')
}
