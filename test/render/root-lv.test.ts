// The root LV grows to the whole volume group (or a set size) in autoinstall late-commands, run with stub LVM tools
// under the target's sh; `plan` says so.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { binRun, exampleInventory, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'
import { growRootLvScript } from '../../src/render/autoinstall/root-lv.js'

test('autoinstall late-commands grow ubuntu-lv inside the target by default; root_lv sets a size', async () => {
  const dir = tempDir('rootlv')
  const inv = readFileSync(exampleInventory, 'utf8').replace('  - hostname: bai-m1\n', '  - hostname: bai-m1\n    root_lv: 200G\n')
  writeFileSync(join(dir, 'cluster.yaml'), inv)
  const out = await renderFixture(join(dir, 'cluster.yaml'))
  const late = (node: string): string[] => {
    const cmds = (load(readFileSync(join(out, node, 'autoinstall', 'user-data'), 'utf8')) as any).autoinstall['late-commands'] as string[][]
    const grow = cmds.filter((c) => Array.isArray(c) && c[0] === 'curtin')
    assert.is(grow.length, 1, node)
    return grow[0]!
  }
  assert.equal(late('bai-a01'), ['curtin', 'in-target', '--target=/target', '--', 'sh', '-c', growRootLvScript('all')])
  assert.match(late('bai-a01').at(-1)!, /lvextend -r -l \+100%FREE \/dev\/ubuntu-vg\/ubuntu-lv/)
  assert.match(late('bai-m1').at(-1)!, /want=214748364800;/)
  const plan = run('node', [binRun, 'plan', '-c', join(dir, 'cluster.yaml'), '--full'])
  assert.is(plan.status, 0, plan.stderr)
  assert.match(plan.stdout, /^bai-m1 \(roles: [^)]*\)\n {2}target: .*\n {2}install: root LV ubuntu-vg\/ubuntu-lv grown to 200G after the install/m)
  assert.match(plan.stdout, /^bai-a01 \(roles: [^)]*\)\n {2}target: .*\n {2}install: root LV ubuntu-vg\/ubuntu-lv grown to the whole volume group/m)
})

test('root_lv is validated: all or a size in G/T', async () => {
  const dir = tempDir('rootlv-bad')
  writeFileSync(join(dir, 'cluster.yaml'), readFileSync(exampleInventory, 'utf8').replace('  - hostname: bai-m1\n', '  - hostname: bai-m1\n    root_lv: half\n'))
  const r = run('node', [binRun, 'validate', '-c', join(dir, 'cluster.yaml')])
  assert.is(r.status, 2)
  assert.match(r.stdout + r.stderr, /cluster\.yaml:\d+:\d+: error\[\w+\] nodes\[0\]\.root_lv/)
})

/** Runs the script under sh with vgs/lvs/lvextend stubs; returns the lvextend calls. */
function simulate(size: string, lvBytes: number, freeBytes: number): string {
  const dir = tempDir('lvm')
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  const extent = 4 * 1024 * 1024
  stub('vgs', `case "$*" in *vg_free_count*) echo "  ${Math.floor(freeBytes / extent)}" ;; *) echo "  ${freeBytes}" ;; esac`)
  stub('lvs', `echo "  ${lvBytes}"`)
  stub('lvextend', `echo "lvextend $*" >>${dir}/calls`)
  const r = run('sh', ['-c', `PATH=${bin}:$PATH; ${growRootLvScript(size)}; cat ${dir}/calls 2>/dev/null || true`])
  assert.is(r.status, 0, r.stderr)
  return r.stdout.trim()
}

test('the late-command: grows to all free space, to a size, never shrinks, caps at the group', () => {
  const G = 1024 ** 3
  assert.is(simulate('all', 100 * G, 300 * G), 'lvextend -r -l +100%FREE /dev/ubuntu-vg/ubuntu-lv')
  assert.is(simulate('all', 100 * G, 0), '')
  assert.is(simulate('200G', 100 * G, 300 * G), `lvextend -r -L ${200 * G}b /dev/ubuntu-vg/ubuntu-lv`)
  assert.is(simulate('200G', 250 * G, 300 * G), '')
  assert.is(simulate('2T', 100 * G, 300 * G), 'lvextend -r -l +100%FREE /dev/ubuntu-vg/ubuntu-lv')
})

test.run()
