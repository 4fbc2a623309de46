// The real tools read our files: grub-script-check (apt grub-common) parses every GRUB file, and nginx -t
// (apt nginx-light) loads nginx.conf inside a throwaway main config. Each check is also shown to reject a broken
// file, so a tool that silently accepts everything would be noticed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireTool, run } from '../../helpers/tools.js'
import { tempDir } from '../../helpers/repo.js'
import { planInventory, pxeOptions, renderPxeFiles } from './pxe-fixture.js'

const plans = planInventory()

function grubCheck(text: string): { status: number | null; stderr: string } {
  requireTool('grub-script-check')
  const file = join(tempDir('grubcheck'), 'grub.cfg')
  writeFileSync(file, text)
  const r = run('grub-script-check', [file])
  return { status: r.status, stderr: r.stderr }
}

function nginxCheck(serverBlock: string): { status: number | null; stderr: string } {
  requireTool('nginx')
  const dir = tempDir('nginx')
  mkdirSync(join(dir, 'logs'))
  writeFileSync(join(dir, 'server.conf'), serverBlock)
  const main = [
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'logs', 'error.log')};`,
    'events {}',
    `http { include ${join(dir, 'server.conf')}; }`,
    '',
  ].join('\n')
  writeFileSync(join(dir, 'nginx.conf'), main)
  const r = run('nginx', ['-t', '-q', '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')])
  return { status: r.status, stderr: r.stderr }
}

for (const base of ['http://10.20.30.5:8080/', 'http://boot.lab/a&b/(c)*!,+=@~[d]/x%20y/']) {
  test(`grub-script-check accepts every GRUB file (${base})`, () => {
    const { files } = renderPxeFiles(plans, pxeOptions({ httpBase: base }))
    const grubFiles = [...files.keys()].filter((p) => p.startsWith('grub/'))
    assert.is(grubFiles.length, 1 + plans.length)
    for (const path of grubFiles) {
      const r = grubCheck(files.get(path)!)
      assert.is(r.status, 0, `${path}: ${r.stderr}`)
    }
  })

  test(`nginx -t accepts nginx.conf (${base})`, () => {
    const { files } = renderPxeFiles(plans, pxeOptions({ httpBase: base, serveRoot: '/srv/bai seed/out' }))
    const r = nginxCheck(files.get('nginx.conf')!)
    assert.is(r.status, 0, r.stderr)
  })
}

test('the checkers reject broken files', () => {
  assert.is.not(grubCheck("menuentry 'x' {\n  linux /k 'unterminated\n}\n").status, 0)
  assert.is.not(grubCheck('if [ a = b ]; then\n  echo\n').status, 0)
  assert.is.not(nginxCheck('server { listen 80; root /srv/out }\n').status, 0)
})

test('nginx.conf serves a sub-path with alias, https with certificate placeholders', () => {
  const { files } = renderPxeFiles(plans, pxeOptions({ httpBase: 'https://boot.lab/seeds/' }))
  const conf = files.get('nginx.conf')!
  assert.match(conf, /\n    listen 443 ssl;\n    server_name boot\.lab;\n/)
  assert.match(conf, /ssl_certificate \/etc\/nginx\/tls\/boot\.lab\.crt;/)
  assert.match(conf, /\n    location \/seeds\/ \{\n        alias \/srv\/bai-seed\/out\/;\n/)
  assert.match(conf, /limit_except GET \{\n            deny all;/)
  assert.match(conf, /autoindex off;/)
  assert.match(conf, /default_type text\/plain;/)
})

test.run()
