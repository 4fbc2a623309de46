// `bai-seed pxe` as users run it: exit codes, warnings, what lands in out/pxe/, the manifest, atomic replacement.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../../helpers/repo.js'
import { runCli } from '../../helpers/run-cli.js'

const BASE = 'http://10.20.30.5:8080/'

function inventoryWith(edit: (text: string) => string): string {
  const file = join(tempDir('inv'), 'cluster.yaml')
  writeFileSync(file, edit(readFileSync(exampleInventory, 'utf8')))
  return file
}

function listTree(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? listTree(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]))
}

test('render then pxe: exit 0, the tree in out/pxe/, listed in manifest.json with its sha256', () => {
  const out = join(tempDir('pxe'), 'out')
  assert.is(runCli(['render', '-c', exampleInventory, '-o', out, '--no-iso']).status, 0)
  const r = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE])
  assert.is(r.status, 0, r.stderr)
  // Nothing a machine fetches is there yet: each missing file is named once, with who fetches it.
  assert.equal(
    r.stderr.trim().split('\n'),
    [
      `warning[PXE] ${out}/pxe/casper/vmlinuz is missing (GRUB and PXELINUX load it by TFTP; iPXE loads it from ${BASE}pxe/casper/vmlinuz): copy it from the Ubuntu live-server ISO (casper/ holds vmlinuz and initrd)`,
      `warning[PXE] ${out}/pxe/casper/initrd is missing (GRUB and PXELINUX load it by TFTP; iPXE loads it from ${BASE}pxe/casper/initrd): copy it from the Ubuntu live-server ISO (casper/ holds vmlinuz and initrd)`,
      `warning[PXE] ${out}/pxe/ubuntu-20.04.6-live-server-amd64.iso is missing (the installer (casper url=) downloads it from ${BASE}pxe/ubuntu-20.04.6-live-server-amd64.iso): copy it from the Ubuntu live-server ISO (casper/ holds vmlinuz and initrd)`,
      // The loaders too (issue 22): the README says pxe checks them.
      `warning[PXE] ${out}/pxe/grubnetx64.efi is missing (UEFI machines boot it by TFTP): copy /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed from the grub-efi-amd64-signed package`,
      `warning[PXE] ${out}/pxe/pxelinux.0 is missing (BIOS machines boot it by TFTP): copy /usr/lib/PXELINUX/pxelinux.0 from the pxelinux package`,
      `warning[PXE] ${out}/pxe/ldlinux.c32 is missing (pxelinux.0 loads it): copy /usr/lib/syslinux/modules/bios/ldlinux.c32 from the syslinux-common package`,
    ],
  )
  assert.match(r.stdout, /wrote PXE boot files for 3 node\(s\)/)
  const files = listTree(join(out, 'pxe'))
  assert.is(files.length, 14)
  assert.ok(files.includes('pxelinux.cfg/default'))
  assert.ok(files.includes('nodes.json'))
  assert.ok(files.includes('grub/grub.cfg-01-52-54-00-20-30-20'))
  assert.ok(files.includes('pxelinux.cfg/01-52-54-00-20-30-20'))
  assert.ok(files.includes('ipxe/bai-a01.ipxe'))
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  const listed = manifest.files.filter((f: { path: string }) => f.path.startsWith('pxe/')).map((f: { path: string }) => f.path.slice(4))
  assert.equal(listed, files)
  assert.ok(manifest.files.some((f: { path: string }) => f.path === 'bai-a01/autoinstall/user-data'), 'node files stay listed')
  const nginx = readFileSync(join(out, 'pxe', 'nginx.conf'), 'utf8')
  assert.ok(nginx.includes(`root ${out};`), 'nginx serves the absolute output folder by default')
})

test('pxe replaces out/pxe/ as a whole: files of nodes no longer selected are gone', () => {
  const out = join(tempDir('pxe'), 'out')
  assert.is(runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE]).status, 0)
  const r = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE, '--node', 'bai-a01'])
  assert.is(r.status, 0, r.stderr)
  const files = listTree(join(out, 'pxe'))
  assert.not.ok(files.some((f) => f.includes('bai-m1') || f.includes('30-10')), files.join(' '))
  assert.ok(files.includes('ipxe/bai-a01.ipxe'))
  assert.equal(readdirSync(out).filter((n) => n.startsWith('.') && n !== '.bai-seed-key' && n !== '.bai-seed'), [], 'no staging folder left behind')
  assert.match(r.stderr, /warning\[PXE\] bai-a01: .*not rendered yet; run bai-seed render/)
})

test('a node without a MAC is skipped with a warning; the others are written', () => {
  const inv = inventoryWith((t) => t.replace('    mac: "52:54:00:20:30:10"\n', ''))
  const out = join(tempDir('pxe'), 'out')
  const r = runCli(['pxe', '-c', inv, '-o', out, '--http-base', BASE])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stderr, /cluster\.yaml:\d+:5: warning\[PXE_NO_MAC\] nodes\[0\]: bai-m1 has no MAC address; no PXE boot files for it/)
  assert.match(r.stdout, /for 2 node\(s\) .*\(bai-a01, bai-a02\)/)
  assert.not.ok(existsSync(join(out, 'pxe', 'ipxe', 'bai-m1.ipxe')))
  assert.not.ok(readFileSync(join(out, 'pxe', 'grub', 'grub.cfg'), 'utf8').includes('bai-m1'))
})

test('bad --http-base values: exit 2, a clear error, nothing written', () => {
  const out = join(tempDir('pxe'), 'out')
  const cases: [string, RegExp][] = [
    ["http://h/it's/", /only URL characters are allowed/],
    ['http://h/a;b/', /only URL characters are allowed/],
    ['http://h/${x}/', /only URL characters are allowed/],
    ['http://h/a b/', /only URL characters are allowed/],
    ['http://h/?q=1', /only URL characters are allowed/],
    ['ftp://h/', /must be an http:\/\/ or https:\/\/ URL/],
    ['http://u:p@h/', /must not carry a user name or password/],
    ['http://h/a/../b/', /must not contain '\.' or '\.\.' path segments/],
    ['http://h/%zz/', /'%' must start a percent-escape/],
    ['10.20.30.5', /not a URL/],
  ]
  for (const [base, message] of cases) {
    const r = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', base])
    assert.is(r.status, 2, `${base}: ${r.stderr}`)
    assert.match(r.stderr, message, base)
    assert.match(r.stderr, /^error\[PXE_FLAG\] --http-base /m, base)
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
  }
  const bad = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE, '--kernel', '../vmlinuz', '--iso-url', 'http://h/dir/'])
  assert.is(bad.status, 2)
  assert.match(bad.stderr, /--iso-url "http:\/\/h\/dir\/": must name a file/)
  assert.match(bad.stderr, /--kernel "\.\.\/vmlinuz": must be a relative path/)
  assert.not.ok(existsSync(out), 'nothing written')
})

test('missing --http-base, no MAC at all, a shared MAC, a node named pxe: exit 2', () => {
  const out = join(tempDir('pxe'), 'out')
  const missing = runCli(['pxe', '-c', exampleInventory, '-o', out])
  assert.is(missing.status, 2)
  assert.match(missing.stderr, /http-base/)
  const noMacs = inventoryWith((t) => t.replace(/    mac: "[0-9a-f:]+"\n/g, ''))
  const r1 = runCli(['pxe', '-c', noMacs, '-o', out, '--http-base', BASE])
  assert.is(r1.status, 2)
  assert.match(r1.stderr, /cluster\.yaml:\d+:1: error\[NO_PXE_NODE\] nodes: no node has a MAC address/)
  const shared = inventoryWith((t) => t.replace('52:54:00:20:30:22', '52:54:00:20:30:20'))
  const r2 = runCli(['pxe', '-c', shared, '-o', out, '--http-base', BASE])
  assert.is(r2.status, 2)
  // The inventory validator catches it first, with its position.
  assert.match(r2.stderr, /cluster\.yaml:\d+:\d+: error\[DUPLICATE_MAC\] nodes\[2\]\.mac: /)
  const named = inventoryWith((t) => t.replace('hostname: bai-a02', 'hostname: pxe'))
  const r3 = runCli(['pxe', '-c', named, '-o', out, '--http-base', BASE])
  assert.is(r3.status, 2)
  assert.match(r3.stderr, /error\[RESERVED_HOSTNAME\] nodes\[2\]\.hostname: "pxe" is reserved/)
  assert.not.ok(existsSync(join(out, 'pxe')))
})

test('--iso-url, --boot-base, --kernel and --initrd reach every loader', () => {
  const out = join(tempDir('pxe'), 'out')
  const r = runCli(['pxe', '-c', exampleInventory, '-o', out, '--http-base', BASE, '--iso-url', 'http://mirror.lab/focal.iso',
    '--boot-base', 'http://tftp.lab/boot', '--kernel', 'focal/vmlinuz', '--initrd', 'focal/initrd'])
  assert.is(r.status, 0, r.stderr)
  const read = (p: string): string => readFileSync(join(out, 'pxe', p), 'utf8')
  assert.match(read('grub/grub.cfg'), /linux \/focal\/vmlinuz .* url=http:\/\/mirror\.lab\/focal\.iso /)
  assert.match(read('grub/grub.cfg'), /initrd \/focal\/initrd\n/)
  assert.match(read('pxelinux.cfg/01-52-54-00-20-30-20'), /KERNEL focal\/vmlinuz\n  INITRD focal\/initrd\n/)
  assert.match(read('ipxe/bai-a01.ipxe'), /^kernel http:\/\/tftp\.lab\/boot\/focal\/vmlinuz initrd=initrd .*url=http:\/\/mirror\.lab\/focal\.iso /m)
  assert.match(read('ipxe/bai-a01.ipxe'), /^initrd --name initrd http:\/\/tftp\.lab\/boot\/focal\/initrd$/m)
})

test.run()
