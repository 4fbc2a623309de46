// The harness must tell a broken seed from a good one, or the first-boot test could pass on a node that never got
// provisioned. The broken seed is the product's own user-data with a YAML syntax error put in: cloud-init drops the
// whole document, so neither the account nor the provisioning unit nor the power-off ever happen.
import { readUserData } from '../helpers/user-data.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { e2eWorkDir } from './e2e-paths.js'
import { assertFirstBootCompleted, checkFirstBoot } from './first-boot-check.js'
import { ensureGuestRootfs } from './guest-rootfs.js'
import { runGuest } from './guest-run.js'
import { provisionStatusPath } from './provision-record.js'
import { renderE2eSeed } from './render-seed.js'
import { makeSeedIso } from './seed-iso.js'
import { requireTools } from './required-tools.js'

// The tools this suite runs, checked first: a missing one fails here, named with its package.
requireTools('broken-seed')

/** user-data whose `hostname:` value opens a flow sequence that never closes. */
export function breakUserData(userData: string): string {
  const broken = userData.replace(/^hostname: /m, 'hostname: [unclosed ')
  if (broken === userData) throw new Error('no top-level hostname: line in the rendered user-data to break')
  return broken
}

test('a seed with invalid user-data is reported as broken, by the fallback poweroff rather than the timeout', async () => {
  const work = e2eWorkDir('broken-seed')
  const rendered = renderE2eSeed(join(work, 'render'))
  const read = (name: string) => readFileSync(join(rendered.seedDir, name), 'utf8')
  const iso = join(work, 'seed.iso')
  await makeSeedIso(join(work, 'seed'), iso, {
    // The product's cloud-init/user-data is gzip-compressed; broken here as text.
    'user-data': breakUserData(readUserData(join(rendered.seedDir, 'user-data'))),
    'meta-data': read('meta-data'),
    'network-config': read('network-config'),
  })

  const run = await runGuest({ name: 'broken-seed', rootfs: ensureGuestRootfs(), seedIso: iso, fallbackGraceSeconds: 5 })
  const outcome = checkFirstBoot(run.boot, run.disk)
  const problems = outcome.problems.join('\n')
  assert.not.ok(run.boot.timedOut, 'the harness waited for its timeout instead of the fallback poweroff')
  assert.ok(outcome.problems.some((p) => p.includes('did not power itself off')), problems)
  assert.ok(outcome.userDataWarnings.some((w) => w.includes('Failed loading yaml blob')), problems)
  assert.not.ok(run.disk.exists('/usr/local/sbin/bai-seed-provision'), 'write_files of a broken seed ran')
  assert.not.ok(run.disk.exists(provisionStatusPath), 'the provisioning ran from a broken seed')
  assert.throws(() => assertFirstBootCompleted(run.boot, run.disk), /the boot did not complete/)
})

test.run()
