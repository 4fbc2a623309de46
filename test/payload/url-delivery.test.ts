// `offline: {delivery: url}`: the payload's tree served by the real `bai-seed serve` (on loopback) and the node's
// provision.sh fetching from it with real curl, into its local copy (ROOT/var/lib/bai-seed/payload), every file checked
// against the pinned manifest before apt (a stand-in) sees it. A file altered or missing on the server, or another
// manifest, stops the step with "integrity" and the file's name, apt-get never called; a copy that failed its check
// is removed so the next run fetches it again; a re-run fetches only the manifest.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/repo.js'
import { requireTool } from '../helpers/tools.js'
import { startCli } from '../serve/serve-fixture.js'
import { makeTree, renderWith, runInScript, REPO, TREE_FILES } from './payload-node.js'

const work = tempDir('payload-url')
const tree = join(work, 'payload', 'tree')
const COPY = 'var/lib/bai-seed/payload'
const REPO_FILES = Object.keys(TREE_FILES).filter((p) => p.startsWith(`${REPO}/`) || p.startsWith('keys/'))
let serve: Awaited<ReturnType<typeof startCli>>
let script = ''
let digest = ''
let source = ''

const getLines = (): string[] => serve.stdout().split('\n').filter((l) => / GET /.test(l))
const logged = (): number => getLines().length

/**
 * The access log lines (method, path, status) written since `from` lines. The script ran in spawnSync, which held this
 * event loop: serve's output is read once it runs again, so wait until no more lines come.
 */
async function served(from: number): Promise<string[]> {
  let n = -1
  while (n !== logged()) {
    n = logged()
    await new Promise((r) => setTimeout(r, 150))
  }
  return getLines().slice(from).map((l) => l.split(' ').slice(2, 5).join(' '))
}

test.before(async () => {
  requireTool('curl')
  digest = await makeTree(tree)
  serve = await startCli(['-o', tree, '--any-folder'])
  source = serve.url.replace(/\/$/, '')
  script = await renderWith(work, `  delivery: url\n  url: ${serve.url}\n  manifest_sha256: ${digest}\n`)
})

test.after(async () => {
  await serve?.stop()
})

test('the rendered script takes the payload from the url, pinned by the manifest digest', () => {
  assert.match(script, `readonly PAYLOAD_DELIVERY=url`)
  assert.match(script, `readonly PAYLOAD_SOURCE=${source}`)
  assert.match(script, `readonly PAYLOAD_SHA256=${digest}`)
})

const root = tempDir('payload-url-root')

test('apt from the payload: the manifest and every file of the repository fetched from bai-seed serve, checked, then installed from the local copy', async () => {
  const from = logged()
  const r = runInScript(script, 'payload_apt_install docker-ce', { root })
  assert.is(r.status, 0, r.out)
  assert.match(r.out, new RegExp(`payload: ${REPO_FILES.length} file\\(s\\) under apt/debian-bookworm/ keys/ match the manifest`))
  const got = await served(from)
  assert.is(got[0], 'GET /manifest.txt 200')
  assert.is(got.length, 1 + REPO_FILES.length, got.join('\n'))
  assert.ok(got.every((l) => l.endsWith(' 200')), got.join('\n'))
  // The epoch's %3a in a file name reached the server as the name, not as a colon.
  for (const p of REPO_FILES) assert.is(readFileSync(join(root, COPY, p), 'utf8'), TREE_FILES[p], p)
  const lines = r.calls.trim().split('\n')
  assert.is(lines.length, 2, r.calls)
  assert.match(lines[1]!, /install -y -q --no-install-recommends docker-ce$/)
  const sources = readFileSync(/Dir::Etc::SourceList=(\S+)/.exec(lines[0]!)![1]!, 'utf8')
  assert.is(sources, `deb [signed-by=${root}/${COPY}/keys/payload-archive.gpg] file:${root}/${COPY}/${REPO} ./\n`)
})

test('a re-run fetches the manifest again and nothing else', async () => {
  const from = logged()
  const r = runInScript(script, 'payload_apt_install docker-ce', { root })
  assert.is(r.status, 0, r.out)
  assert.equal(await served(from), ['GET /manifest.txt 200'])
})

test('an earlier payload\'s manifest left in the local copy is not taken: the pinned one is fetched', () => {
  writeFileSync(join(root, COPY, 'manifest.txt'), '# an earlier payload\n')
  const r = runInScript(script, 'payload_apt_install docker-ce', { root })
  assert.is(r.status, 0, r.out)
})

test('one flipped byte in a file on the server: integrity and the name, apt-get never called, the bad copy removed and fetched again next run', async () => {
  const deb = `${REPO}/docker.io_20.10.24_amd64.deb`
  const bytes = readFileSync(join(tree, deb))
  bytes[3] = bytes[3]! ^ 0x01
  writeFileSync(join(tree, deb), bytes)
  const fresh = tempDir('payload-url-root')
  let r = runInScript(script, 'payload_apt_install docker.io', { root: fresh })
  assert.is(r.status, 1, r.out)
  assert.is(r.reason, `integrity: ${deb}: its sha256 differs from the manifest's`)
  assert.is(r.calls, '')
  assert.not.ok(existsSync(join(fresh, COPY, deb)), 'the altered copy was kept')
  // The server has the right file again: the next run fetches it (only it, and the manifest) and goes on.
  assert.is(await makeTree(tree), digest)
  const from = logged()
  r = runInScript(script, 'payload_apt_install docker.io', { root: fresh })
  assert.is(r.status, 0, r.out)
  assert.equal(await served(from), ['GET /manifest.txt 200', `GET /${deb} 200`])
})

test('a file the server does not have: named, the step stops, apt-get never called', async () => {
  const gone = `${REPO}/nfs-kernel-server_2.6.2_amd64.deb`
  rmSync(join(tree, gone))
  const r = runInScript(script, 'payload_apt_install nfs-kernel-server', { root: tempDir('payload-url-root') })
  assert.is(r.status, 1, r.out)
  assert.is(r.reason, `integrity: ${gone}: cannot fetch it from the payload at ${source}`)
  assert.is(r.calls, '')
  await makeTree(tree)
})

test('the server answers with another manifest than the pinned one: the step stops before fetching any file', async () => {
  appendFileSync(join(tree, 'manifest.txt'), '# one more line\n')
  const from = logged()
  const r = runInScript(script, 'payload_apt_install docker.io', { root: tempDir('payload-url-root') })
  assert.match(r.reason, new RegExp(`^integrity: manifest\\.txt: its sha256 is [0-9a-f]{64}, the inventory pins ${digest}`))
  assert.is(r.calls, '')
  assert.equal(await served(from), ['GET /manifest.txt 200'])
  await makeTree(tree)
})

test('the server not reachable: the step stops naming the manifest and the url; no fallback', async () => {
  const down = script.replaceAll(`readonly PAYLOAD_SOURCE=${source}`, 'readonly PAYLOAD_SOURCE=http://127.0.0.1:9')
  const r = runInScript(down, 'payload_apt_install docker.io', { root: tempDir('payload-url-root') })
  assert.is(r.status, 1, r.out)
  assert.is(r.reason, 'integrity: manifest.txt: cannot fetch it from the payload at http://127.0.0.1:9')
  assert.is(r.calls, '')
})

test.run()
