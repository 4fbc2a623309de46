// The script's file steps run twice in a scratch root (--root): the second run (forced to run every step again)
// changes no byte and duplicates no line; an existing /etc/hosts and /etc/fstab keep their own lines.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, mkdirSync, writeFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { exampleInventory, fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      const rel = relative(root, p)
      if (rel.startsWith('var/lib/bai-seed') || rel.startsWith('var/log')) continue
      const st = statSync(p)
      if (st.isDirectory()) {
        out.set(rel + '/', `dir ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`)
        walk(p)
      } else out.set(rel, `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${readFileSync(p, 'utf8')}`)
    }
  }
  walk(root)
  return out
}

for (const [name, inventory, node] of [
  ['example (nfs)', exampleInventory, 'bai-a01'],
  ['single-node (local storage)', join(fixtures, 'single-node.yaml'), 'bai-all'],
] as const) {
  test(`${name}: second run changes nothing`, async () => {
    const out = await renderFixture(inventory, { env: { BAI_TEST_PASSWORD: 'pw' } })
    const script = join(out, node, 'provision.sh')
    const root = tempDir('idem')
    mkdirSync(join(root, 'etc'))
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost\n')
    writeFileSync(join(root, 'etc', 'fstab'), 'UUID=1234 / ext4 defaults 0 1\n')
    const first = run('bash', [script, '--root', root])
    assert.is(first.status, 0, first.stdout + first.stderr)
    const after1 = snapshot(root)
    const second = run('bash', [script, '--root', root, '--force'])
    assert.is(second.status, 0, second.stdout + second.stderr)
    assert.equal(snapshot(root), after1)
    assert.match(second.stdout, /\[hosts\] unchanged \/etc\/hosts/)
    assert.not.match(second.stdout, /\bwrote\b/)

    const hosts = readFileSync(join(root, 'etc', 'hosts'), 'utf8')
    assert.ok(hosts.startsWith('127.0.0.1 localhost\n::1 localhost ip6-localhost\n'), 'own lines kept')
    assert.is(hosts.split('##### BEGIN for Backend.AI services #####').length, 2, 'one block')
    const sysctl = readFileSync(join(root, 'etc', 'sysctl.d', '99-backendai.conf'), 'utf8')
    assert.match(sysctl, /^net\.ipv4\.ip_local_port_range=10000 65000$/m)
    assert.not.match(sysctl, /"/)
    const limits = readFileSync(join(root, 'etc', 'security', 'limits.d', '99-backendai.conf'), 'utf8')
    assert.match(limits, /^bai soft nofile 512000$/m)
    const fstab = readFileSync(join(root, 'etc', 'fstab'), 'utf8')
    assert.ok(fstab.startsWith('UUID=1234 / ext4 defaults 0 1\n'))
    if (name.startsWith('example')) {
      assert.match(fstab, /^10\.20\.30\.5:\/export\/backendai\/data \/vfroot\/data nfs rw,hard,nfsvers=4\.1,_netdev 0 0$/m)
      assert.is(fstab.split('# BEGIN bai-seed shared storage').length, 2)
    } else {
      assert.is(statSync(join(root, 'vfroot', 'local')).uid, 1100)
      assert.is(statSync(join(root, 'vfroot', 'local')).gid, 1100)
    }
    const status = JSON.parse(readFileSync(join(root, 'var', 'lib', 'bai-seed', 'status.json'), 'utf8'))
    assert.is(status.run.result, 'complete')
    assert.equal(status.steps.filter((s: { state: string }) => s.state === 'done').map((s: { id: string }) => s.id), ['limits', 'sysctl', 'hosts', 'storage'])
  })
}

test('an edited block is put back, a block with a missing END marker stops the step', async () => {
  const out = await renderFixture(exampleInventory)
  // bai-a02's block: the service node bai-m1 and bai-a02 itself (hosts scope `services`).
  const script = join(out, 'bai-a02', 'provision.sh')
  const root = tempDir('idem-edit')
  mkdirSync(join(root, 'etc'))
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n##### BEGIN for Backend.AI services #####\n1.2.3.4 stale\n##### END for Backend.AI services #####\n10.0.0.1 after\n')
  assert.is(run('bash', [script, '--root', root, '--only', 'hosts']).status, 0)
  const hosts = readFileSync(join(root, 'etc', 'hosts'), 'utf8')
  assert.not.match(hosts, /stale/)
  assert.match(hosts, /\(GPU 02\)\n##### END for Backend.AI services #####\n10\.0\.0\.1 after\n$/)
  writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n##### BEGIN for Backend.AI services #####\n1.2.3.4 stale\n')
  const broken = run('bash', [script, '--root', root, '--only', 'hosts', '--force'])
  assert.is(broken.status, 1)
  assert.match(broken.stdout, /\[hosts\] FAILED \(\d+s\): \/etc\/hosts: expected one '##### BEGIN/)
  assert.match(readFileSync(join(root, 'etc', 'hosts'), 'utf8'), /1\.2\.3\.4 stale/, 'left as it was')
  const status = JSON.parse(readFileSync(join(root, 'var', 'lib', 'bai-seed', 'status.json'), 'utf8'))
  const hostsStep = status.steps.find((s: { id: string }) => s.id === 'hosts')
  assert.is(hostsStep.state, 'failed')
  assert.is(hostsStep.message, "/etc/hosts: expected one '##### BEGIN for Backend.AI services #####' line followed by one '##### END for Backend.AI services #####' line, found the markers BEGIN; fix them by hand, then run again")
  assert.is(status.run.result, 'failed')
})

test.run()
