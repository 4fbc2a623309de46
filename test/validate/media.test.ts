// The boot media commands' own input rules are diagnostics of validation, at the node they are about (file, line,
// column), table-driven: nothing the PXE or installer-seed renderers are given can make them fail.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exampleInventory, tempDir } from '../helpers/repo.js'
import { planFromInput } from '../../src/pipeline/render-cluster.js'
import { checkInstallerIsoNodes, checkPxeNodes } from '../../src/validate/validate-media.js'
import { M } from '../../src/diagnostics/messages.js'
import { pxeKernelArgs } from '../../src/render/pxe/render-pxe.js'
import { resolvePxeOptions } from '../../src/render/pxe/boot-options.js'
import type { NodePlan } from '../../src/model/plan.js'

const example = readFileSync(exampleInventory, 'utf8')

function planned(text: string) {
  const file = join(tempDir('media'), 'cluster.yaml')
  writeFileSync(file, text)
  const r = planFromInput({ inventoryFile: file, profileDirs: [], only: [], powerOffWhenDone: false, env: {} })
  assert.not.ok(r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics))
  return { plans: r.plans, doc: r.doc!, file }
}

const noMac = (host: string, mac: string) => example.replace(`    mac: "${mac}"\n`, '')
const allMacsGone = example.replace(/    mac: "[^"]+"\n/g, '')
const shortArgs = (p: NodePlan) => ['initrd=initrd', `ip=${p.hostname}`]

test('pxe: a node without a MAC is a warning at its entry; none with one is an error at nodes', () => {
  const one = planned(noMac('bai-m1', '52:54:00:20:30:10'))
  const d = checkPxeNodes(one.doc, one.plans, shortArgs)
  assert.equal(d.map((x) => [x.code, x.severity, x.path, x.line, x.col, x.message]), [
    ['PXE_NO_MAC', 'warning', 'nodes[0]', 34, 5, M.pxeNoMac('bai-m1')],
  ])
  const none = planned(allMacsGone)
  const all = checkPxeNodes(none.doc, none.plans, shortArgs)
  assert.equal(all.filter((x) => x.severity === 'error').map((x) => [x.code, x.path, x.file, x.message]), [['NO_PXE_NODE', 'nodes', none.file, M.noPxeNode]])
})

test('pxe: a kernel command line no kernel keeps is an error at the host name', () => {
  const { plans, doc } = planned(example)
  const long = (p: NodePlan) => ['initrd=initrd', `x=${'a'.repeat(p.hostname === 'bai-a01' ? 3000 : 10)}`]
  const d = checkPxeNodes(doc, plans, long)
  assert.equal(d.map((x) => [x.code, x.path, x.line]), [['KERNEL_CMDLINE', 'nodes[1].hostname', 39]])
  assert.match(d[0]!.message, /^bai-a01: kernel command line: the kernel command line is 3016 bytes; Linux keeps only 2047$/)
})

test('pxe: the real arguments of the example pass; a long --http-base fails for every node', () => {
  const { plans, doc } = planned(example)
  const ok = resolvePxeOptions({ httpBase: 'http://10.0.0.1:8080/', serveRoot: '/srv' }).options!
  assert.equal(checkPxeNodes(doc, plans, (p) => pxeKernelArgs(p, ok, () => 'x'.repeat(22))), [])
  const long = resolvePxeOptions({ httpBase: `http://10.0.0.1/${'d'.repeat(1000)}/`, serveRoot: '/srv' }).options!
  const d = checkPxeNodes(doc, plans, (p) => pxeKernelArgs(p, long, () => 'x'.repeat(22)))
  assert.equal(d.map((x) => x.code), ['KERNEL_CMDLINE', 'KERNEL_CMDLINE', 'KERNEL_CMDLINE'])
})

test('pxe flags: problems without a position, code PXE_FLAG, every one at once', () => {
  const r = resolvePxeOptions({ httpBase: 'http://h/', kernel: '../vmlinuz', initrd: 'x'.repeat(300), serveRoot: '/srv/$x' })
  assert.is(r.options, undefined)
  assert.equal(r.problems.map((p) => [p.code, p.severity, p.path]), [['PXE_FLAG', 'error', undefined], ['PXE_FLAG', 'error', undefined], ['PXE_FLAG', 'error', undefined]])
  assert.match(r.problems[0]!.message, /^--kernel "\.\.\/vmlinuz": must be a relative path/)
  assert.match(r.problems[1]!.message, /^--initrd: a path of 300 characters; at most 255$/)
  assert.match(r.problems[2]!.message, /^--serve-root "\/srv\/\$x": nginx cannot name/)
})

test('iso: a node with neither MAC nor serial is an error at its entry', () => {
  const { plans, doc, file } = planned(noMac('bai-m1', '52:54:00:20:30:10'))
  assert.equal(checkInstallerIsoNodes(doc, plans).map((x) => [x.file, x.line, x.col, x.code, x.path, x.message]), [
    [file, 34, 5, 'NO_MACHINE_ID', 'nodes[0]', M.noMachineId('bai-m1')],
  ])
  const all = planned(example)
  assert.equal(checkInstallerIsoNodes(all.doc, all.plans), [])
})

test.run()
