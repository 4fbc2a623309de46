// What the node-side payload tests share: a payload tree of the shape `bai-seed payload` writes (stand-in contents:
// nothing here is installed), the offline fixture rendered with given `offline:` settings, and a run of one call in
// the rendered provision.sh's definitions (without main) with stand-ins on PATH for the installers (apt-get, docker).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, tempDir } from '../helpers/repo.js'
import { renderFixture } from '../helpers/render-fixture.js'
import { run } from '../helpers/tools.js'
import { manifestDigest, manifestOf, manifestText } from '../../src/payload/manifest.js'

export const REPO = 'apt/debian-bookworm'

/** Files of the stand-in payload; an epoch's colon is %3a in the name, as apt stores it. */
export const TREE_FILES: Readonly<Record<string, string>> = {
  [`${REPO}/docker.io_20.10.24_amd64.deb`]: 'deb bytes '.repeat(100),
  [`${REPO}/docker-ce_5%3a27.0.1-1_amd64.deb`]: 'docker-ce bytes',
  [`${REPO}/nfs-kernel-server_2.6.2_amd64.deb`]: 'nfs bytes',
  [`${REPO}/Packages`]: 'Package: docker.io\n',
  [`${REPO}/Release`]: 'Origin: bai-seed payload\n',
  [`${REPO}/InRelease`]: 'signed\n',
  'keys/payload-archive.gpg': 'key',
  'images/images.tar': 'image archive '.repeat(50),
  'wheels/pip-24.0-py3-none-any.whl': 'wheel',
  'python/20240909/SHA256SUMS': 'x  cpython.tar.gz\n',
}

/** Writes the stand-in payload at `tree` (anew) with its manifest; returns the manifest's sha256. */
export async function makeTree(tree: string): Promise<string> {
  rmSync(tree, { recursive: true, force: true })
  for (const [path, content] of Object.entries(TREE_FILES)) {
    mkdirSync(join(tree, path, '..'), { recursive: true })
    writeFileSync(join(tree, path), content)
  }
  const text = manifestText(await manifestOf(tree))
  writeFileSync(join(tree, 'manifest.txt'), text)
  return manifestDigest(text)
}

/** The offline fixture rendered with `offline` replaced by the given settings; returns bai-m1's provision.sh. */
export async function renderWith(work: string, offline: string): Promise<string> {
  const inv = join(work, `cluster-${Math.random().toString(36).slice(2)}.yaml`)
  const text = readFileSync(join(fixtures, 'offline.yaml'), 'utf8').replace(/^offline:\n(  .*\n)+/m, `offline:\n${offline}`)
  writeFileSync(inv, text)
  const out = await renderFixture(inv)
  return readFileSync(join(out, 'bai-m1', 'provision.sh'), 'utf8')
}

export interface Ran {
  status: number | null
  out: string
  reason: string
  /** Every call of the stand-in installers (apt-get, docker), one line each. */
  calls: string
  /** The run's state folder (STATE_DIR). */
  dir: string
}

export interface RunOptions {
  /** The payload volume as mounted: this folder instead of blkid + mount (delivery volume). */
  volume?: string
  /** ROOT of the run (delivery url keeps its local copy under ROOT/var/lib/bai-seed/payload). */
  root?: string
}

/** Runs CALL in the script's definitions (without main), with stand-ins for apt-get and docker. */
export function runInScript(script: string, call: string, opts: RunOptions = {}): Ran {
  const dir = tempDir('payload-run')
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  const calls = join(dir, 'calls')
  writeFileSync(calls, '')
  for (const name of ['apt-get', 'docker']) {
    writeFileSync(join(bin, name), `#!/bin/bash\nprintf '%s\\n' "${name} $*" >>${calls}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  const lib = script.replace(/^main "\$@"$/m, '').replace(/^export PATH=.*$/m, '')
  writeFileSync(join(dir, 'lib.sh'), lib)
  const body = [
    `PATH=${bin}:$PATH`,
    `source ${join(dir, 'lib.sh')}`,
    `STATE_DIR=${dir}`,
    'BAI_SEED_RETRY_DELAY=0',
    'OS_ID=debian OS_CODENAME=bookworm',
    ...(opts.root ? [`ROOT=${opts.root}`] : []),
    ...(opts.volume ? [`payload_dir() { REPLY=${opts.volume}; }`] : []),
    `( set -e; ${call} )`,
  ].join('\n')
  const r = run('bash', ['-c', body])
  const reason = existsSync(join(dir, 'reason')) ? readFileSync(join(dir, 'reason'), 'utf8').trim() : ''
  return { status: r.status, out: r.stdout + r.stderr, reason, calls: readFileSync(calls, 'utf8'), dir }
}
