// Parser-level check of the PXE files: each loader's file is read with an independent model of that loader
// (loader-models.ts), the kernel command line it would build is parsed the way Linux does (next_arg) and the way
// casper and cloud-init do (whitespace split), and finally by cloud-init's own parse_cmdline_data: the kernel must
// receive exactly `ds=nocloud-net;s=<http-base>/<hostname>/autoinstall/`, and cloud-init must find that seed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { requireTool, run } from '../../helpers/tools.js'
import type { NodePlan } from '../../../src/model/plan.js'
import { dashedMac } from '../../../src/render/pxe/mac-address.js'
import { LOCAL_EFI_LOADERS } from '../../../src/render/pxe/render-pxe.js'
import { planInventory, pxeOptions, renderPxeFiles } from './pxe-fixture.js'
import {
  grubCommands,
  grubLoaderCmdline,
  ipxeImageCommand,
  ipxeScript,
  linuxParams,
  pxelinuxConfig,
  pxelinuxKernelCmdline,
  whitespaceWords,
  type GrubWord,
} from './loader-models.js'

const plans = planInventory()

// The example's base, and one whose path holds every URL character the quoting has to protect somewhere.
const BASES = ['http://10.20.30.5:8080/', 'https://boot.lab:8443/a&b/(c)*!,+=@~[d]/x%20y/']

interface Received {
  loader: string
  host: string
  cmdline: string
}

/** cloud-init's real parser (cloudinit.sources.DataSourceNoCloud.parse_cmdline_data), for every command line. */
function cloudInitSeeds(cmdlines: string[]): (string | null)[] {
  requireTool('/usr/bin/python3')
  const program = [
    'import json, sys',
    'from cloudinit.sources.DataSourceNoCloud import parse_cmdline_data',
    'out = []',
    'for line in json.load(sys.stdin):',
    '    fill = {}',
    "    out.append(fill.get('seedfrom') if parse_cmdline_data('ds=nocloud-net', fill, line) else None)",
    'print(json.dumps(out))',
  ].join('\n')
  const r = run('/usr/bin/python3', ['-c', program], JSON.stringify(cmdlines))
  if (r.status !== 0) throw new Error(`cloud-init's parser failed (apt package cloud-init):\n${r.stderr}`)
  return JSON.parse(r.stdout)
}

function grubLinuxArgs(command: GrubWord[]): string[] {
  for (const w of command.slice(1)) {
    assert.not.ok(w.expanded, `GRUB would expand a variable in ${JSON.stringify(w.text)}`)
    assert.not.ok(w.globbed, `GRUB would glob ${JSON.stringify(w.text)}`)
  }
  return command.slice(2).map((w) => w.text) // after "linux <kernel>"
}

/**
 * From grub.cfg: the linux command that runs when $net_default_mac is `mac` (and the node has not reported a finished
 * install: the linux command sits in the else branch of the inner `if [ -s <marker> ]`, whose then branch exits).
 */
function grubEntryFor(script: string, mac: string): string[] {
  let depth = 0
  let matched = false
  let found: string[] | null = null
  for (const cmd of grubCommands(script, { net_default_mac: mac })) {
    const head = cmd[0]!.text
    if (head === 'if') depth++
    if ((head === 'if' && depth === 1) || (head === 'elif' && depth === 1)) {
      // [ "$net_default_mac" = <mac> ]
      matched = cmd[2]!.text === cmd[4]!.text && cmd[3]!.text === '='
      if (matched) assert.is(found, null, `two entries match ${mac}`)
    } else if (head === 'if' && depth === 2 && matched) {
      assert.equal([cmd[1]!.text, cmd[2]!.text], ['[', '-s'], 'the install marker is tested with [ -s ]')
      assert.is(cmd[3]!.text, `/installed/01-${dashedMac(mac)}`)
    } else if (head === 'linux' && matched) found = grubLinuxArgs(cmd)
    else if (head === 'else' && depth === 1) matched = false
    if (head === 'fi') {
      if (depth === 1) matched = false
      depth--
    }
  }
  assert.ok(found, `no GRUB entry for ${mac}`)
  return found!
}

function received(files: Map<string, string>, plan: NodePlan): Received[] {
  const mac = plan.address.mac!
  const dashed = dashedMac(mac)
  const out: Received[] = []
  out.push({ loader: 'grub.cfg', host: plan.hostname, cmdline: grubLoaderCmdline(grubEntryFor(files.get('grub/grub.cfg')!, mac)) })
  for (const name of [`grub/grub.cfg-01-${dashed}`]) {
    const linux = grubCommands(files.get(name)!).filter((c) => c[0]!.text === 'linux')
    assert.is(linux.length, 1, name)
    out.push({ loader: name, host: plan.hostname, cmdline: grubLoaderCmdline(grubLinuxArgs(linux[0]!)) })
  }
  const pxelinux = pxelinuxConfig(files.get(`pxelinux.cfg/01-${dashed}`)!)
  const label = pxelinux.labels.find((l) => l.label === pxelinux.default)
  assert.ok(label, 'DEFAULT names a LABEL')
  assert.ok(files.get(`pxelinux.cfg/01-${dashed}`)!.split('\n').includes(`INCLUDE installed/01-${dashed}`), 'includes the install marker')
  out.push({ loader: 'pxelinux', host: plan.hostname, cmdline: pxelinuxKernelCmdline(label!) })
  // boot.ipxe: the first line whose iseq holds goes to a label, whose next command chains to this node's script.
  const settings = { 'netX/mac': mac, 'net0/mac': mac }
  const boot = ipxeScript(files.get('ipxe/boot.ipxe')!, settings)
  const gotoIndex = boot.findIndex((c, i) => c.argv[0] === 'iseq' && c.argv[1] === c.argv[2] && boot[i + 1]?.argv[0] === 'goto')
  assert.ok(gotoIndex >= 0, `boot.ipxe goes nowhere for ${mac}`)
  const labelIndex = boot.findIndex((c) => c.argv[0] === `:${boot[gotoIndex + 1]!.argv[1]}`)
  assert.is(boot[labelIndex + 1]!.argv[0], 'chain')
  const script = boot[labelIndex + 1]!.argv[1]!
  assert.is(script, `${plan.hostname}.ipxe`)
  const node = ipxeScript(files.get(`ipxe/${script}`)!, {})
  assert.not.ok(node.some((c) => c.expanded), 'no ${setting} in the node script')
  const kernel = ipxeImageCommand(node.find((c) => c.argv[0] === 'kernel')!.argv)
  const initrd = ipxeImageCommand(node.find((c) => c.argv[0] === 'initrd')!.argv)
  assert.is(initrd.options['--name'], 'initrd')
  assert.ok(whitespaceWords(kernel.cmdline).includes('initrd=initrd'), 'the EFI stub finds the initrd by name')
  assert.equal(node.map((c) => c.argv[0]), ['imgfetch', 'goto', 'kernel', 'initrd', 'boot', 'exit', ':installed', 'echo', 'exit'])
  out.push({ loader: 'ipxe', host: plan.hostname, cmdline: kernel.cmdline })
  return out
}

for (const base of BASES) {
  test(`every loader hands the kernel exactly the nocloud-net seed of the node (${base})`, () => {
    const options = pxeOptions({ httpBase: base })
    const { files } = renderPxeFiles(plans, options)
    const all = plans.flatMap((p) => received(files, p))
    assert.is(all.length, plans.length * 4)
    for (const r of all) {
      const seed = `${base}${r.host}/autoinstall/`
      const ds = `ds=nocloud-net;s=${seed}`
      const params = linuxParams(r.cmdline)
      const where = `${r.loader} of ${r.host}: ${r.cmdline}`
      assert.equal(params.filter((p) => p.param === 'ds'), [{ param: 'ds', val: `nocloud-net;s=${seed}` }], where)
      const words = whitespaceWords(r.cmdline)
      assert.is(words.filter((w) => w === ds).length, 1, where)
      assert.ok(words.includes('autoinstall'), where)
      assert.ok(words.includes('ip=dhcp'), where)
      assert.ok(words.includes(`url=${base}pxe/ubuntu-20.04.6-live-server-amd64.iso`), where)
      assert.equal(params.find((p) => p.param === 'url'), { param: 'url', val: `${base}pxe/ubuntu-20.04.6-live-server-amd64.iso` }, where)
      const done = params.filter((p) => p.param === 'bai_seed.done')
      assert.is(done.length, 1, where)
      assert.match(done[0]!.val!, new RegExp(`^${base.replace(/[^A-Za-z0-9]/g, '\\$&')}report/${r.host}/[A-Za-z0-9_-]{22}$`), where)
    }
    assert.equal(cloudInitSeeds(all.map((r) => r.cmdline)), all.map((r) => `${base}${r.host}/autoinstall/`))
  })
}

test('the GRUB entries reach only their own MAC; an unknown MAC gets the fall-through entry', () => {
  const { files } = renderPxeFiles(plans, pxeOptions({ httpBase: BASES[0]! }))
  const unknown = grubCommands(files.get('grub/grub.cfg')!, { net_default_mac: '02:00:00:00:00:01' })
  let inElse = false
  let depth = 0
  const elseCommands: string[] = []
  for (const cmd of unknown) {
    const head = cmd[0]!.text
    if (head === 'if') depth++
    if (head === 'else' && depth === 1) inElse = true
    else if (head === 'fi') {
      if (depth === 1) inElse = false
      depth--
    } else if (inElse) elseCommands.push(head)
  }
  assert.equal(elseCommands, ['menuentry', 'bai_seed_local_boot', '}'])
})

test('GRUB local boot chainloads the installed system\'s EFI loader (shim first), in every GRUB file, and exits with an error only without one', () => {
  const { files } = renderPxeFiles(plans, pxeOptions({ httpBase: BASES[0]! }))
  for (const [path, text] of files) {
    if (!path.startsWith('grub/')) continue
    const cmds = grubCommands(text).map((c) => c.map((w) => w.text))
    const start = cmds.findIndex((c) => c[0] === 'function' && c[1] === 'bai_seed_local_boot')
    assert.ok(start >= 0, path)
    const body = cmds.slice(start + 1, cmds.findIndex((c, i) => i > start && c[0] === '}'))
    const loaders = body.filter((c) => c[0] === 'chainloader').map((c) => c[1])
    assert.equal(loaders, [...LOCAL_EFI_LOADERS], path)
    assert.equal(loaders, ['/EFI/ubuntu/shimx64.efi', '/EFI/ubuntu/grubx64.efi', '/EFI/BOOT/BOOTX64.EFI'], path)
    for (const l of loaders) assert.ok(body.some((c) => c.join(' ') === `if search --no-floppy --set=root --file ${l}`), `${path}: ${l}`)
    assert.equal(body.at(-1), ['exit', '1'], path)
    assert.ok(cmds.slice(start).some((c) => c[0] === 'bai_seed_local_boot'), `${path}: called`)
  }
})

test('a loader model catches what a broken quoting would do (the check can fail)', () => {
  // The ds= word written bare in GRUB: the ';' ends the linux command and the seed never reaches the kernel.
  const bare = grubCommands('linux /k autoinstall ds=nocloud-net;s=http://h/x/\n')
  assert.equal(bare.map((c) => c.map((w) => w.text)), [['linux', '/k', 'autoinstall', 'ds=nocloud-net'], ['s=http://h/x/']])
  // Double quotes around a word with a quote inside: GRUB escapes it for the kernel, which keeps the backslash.
  const cmd = grubCommands(`linux /k "a'b"\n`)[0]!
  assert.equal(linuxParams(grubLoaderCmdline(grubLinuxArgs(cmd))), [{ param: "a\\'b", val: null }])
  // An iPXE token that is only ";" ends the kernel command.
  assert.equal(ipxeScript('kernel k a ; b').map((c) => c.argv), [['kernel', 'k', 'a'], ['b']])
})

test.run()
