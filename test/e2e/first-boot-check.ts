// Decides from the boot result and the guest disk whether first boot completed: the guest powered itself off, and
// cloud-init finished without errors. A seed that is broken must come out of here with problems, never as a pass.
import { consoleTail, type BootResult } from './boot-vm.js'
import type { GuestDisk } from './guest-disk.js'

export interface FirstBootOutcome {
  /** Empty when first boot completed. */
  problems: string[]
  /** cloud-init's errors from /var/lib/cloud/data/result.json (v1.errors). */
  cloudInitErrors: string[]
  /** WARNING lines of /var/log/cloud-init.log that say the user-data was not taken as it was written. */
  userDataWarnings: string[]
}

const resultJson = '/var/lib/cloud/data/result.json'
const cloudInitLog = '/var/log/cloud-init.log'
// What cloud-init 22.4 logs when it drops or misreads user-data instead of failing.
const userDataWarning = /Failed loading yaml blob|Invalid cloud-config provided|Unhandled non-multipart|Unhandled unknown content-type|Failed at merging in cloud config/

export interface CheckOptions {
  /**
   * Require /var/lib/cloud/data/result.json (default true). cloud-init deletes it at the start of every boot and writes
   * it at the end of its final stage, which a boot after the first may not reach when the provisioning unit runs
   * before multi-user.target and powers the guest off; errors are reported whenever the file is there.
   */
  requireCloudInitResult?: boolean
}

export function checkFirstBoot(boot: BootResult, disk: GuestDisk, opts: CheckOptions = {}): FirstBootOutcome {
  const problems: string[] = []
  if (boot.timedOut) problems.push(`qemu was killed after ${boot.seconds.toFixed(0)} s: the guest never powered off`)
  else if (boot.rebooted) problems.push('the guest rebooted instead of powering off')
  else if (!boot.poweredOff) problems.push(`qemu exited (code ${boot.exitCode}) without the guest powering off`)

  // The guest's fallback unit prints this on the console when it had to power the guest off itself.
  const fallback = /bai-e2e: (.*fallback poweroff.*)/.exec(consoleTail(boot, 100000))
  if (fallback) problems.push(`the guest did not power itself off; the e2e fallback did: ${fallback[1].trim()}`)

  // systemd drops a job to break an ordering cycle and boots on: a unit of the seed may silently never run.
  for (const m of consoleTail(boot, 100000).matchAll(/Job (\S+) deleted to break ordering cycle starting with (\S+)/g)) {
    problems.push(`systemd found an ordering cycle and dropped ${m[1]} (cycle starting with ${m[2]})`)
  }

  let cloudInitErrors: string[] = []
  if (!disk.exists(resultJson)) {
    if (opts.requireCloudInitResult ?? true) problems.push(`cloud-init did not finish: ${resultJson} is missing`)
  } else {
    const parsed = JSON.parse(disk.readFile(resultJson)) as { v1?: { errors?: unknown[] } }
    cloudInitErrors = (parsed.v1?.errors ?? []).map(String)
    if (cloudInitErrors.length) problems.push(`cloud-init reported errors: ${cloudInitErrors.join('; ')}`)
  }

  const userDataWarnings = disk.exists(cloudInitLog)
    ? disk.readFile(cloudInitLog).split('\n').filter((l) => l.includes('[WARNING]') && userDataWarning.test(l))
    : []
  if (userDataWarnings.length) problems.push(`cloud-init did not take the user-data as written: ${userDataWarnings.join(' | ')}`)
  return { problems, cloudInitErrors, userDataWarnings }
}

/** Throws ("the boot did not complete") with every problem and the end of the serial console when first boot did not complete. */
export function assertFirstBootCompleted(boot: BootResult, disk: GuestDisk, opts: CheckOptions = {}): FirstBootOutcome {
  const outcome = checkFirstBoot(boot, disk, opts)
  if (outcome.problems.length) {
    throw new Error(
      `the boot did not complete:\n- ${outcome.problems.join('\n- ')}\n--- end of ${boot.consoleLog} ---\n${consoleTail(boot)}`,
    )
  }
  return outcome
}
