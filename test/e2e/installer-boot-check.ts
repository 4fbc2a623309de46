// What every boot of an installer ISO must show on the fixture kernel's console: the medium's own kernel ran with
// `autoinstall` and the medium's NoCloud seed before the `---` separator, the fixture initramfs mounted the medium, and
// the selection script chose `host` and installed it. Shared by the 20.04 and the GRUB-layout (22.04/24.04) tests.
import * as assert from 'uvu/assert'
import { tail } from './netboot-vm.js'

/** The console line the fixture initramfs prints last. */
export const FIXTURE_END = /FIXTURE-END/

export function assertInstalledFromMedium(consoleText: string, host: string, label: string): void {
  const where = `${label}:\n${tail(consoleText)}`
  const cmdline = /FIXTURE-CMDLINE: (.*)/.exec(consoleText)?.[1]
  assert.ok(cmdline, `the kernel of the medium ran: ${where}`)
  const words = cmdline!.trim().split(/\s+/)
  assert.ok(words.includes('autoinstall'), where)
  assert.ok(words.includes('ds=nocloud;s=/cdrom/nocloud/'), where)
  assert.ok(words.indexOf('autoinstall') < words.indexOf('---'), `before the --- separator: ${where}`)
  assert.match(consoleText, /FIXTURE-MOUNTED: \/dev\/\w+/, where)
  assert.match(consoleText, new RegExp(`bai-seed: this machine is ${host}; installing it`), where)
  assert.match(consoleText, new RegExp(`FIXTURE-SELECTED: hostname:${host}\\b`), where)
}
