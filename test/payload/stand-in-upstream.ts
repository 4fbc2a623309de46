// The small upstream the payload tests build and serve on loopback: stand-in .deb packages in signed Debian-style
// suites (dpkg-deb, apt-ftparchive, a throwaway gpg key), files under one web root, and every request recorded.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize } from 'node:path'
import * as assert from 'uvu/assert'
import { run } from '../helpers/tools.js'

export const sh = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string => {
  const r = run('env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args])
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

export class StandInUpstream {
  readonly www: string
  readonly gnupg: string
  /** `METHOD PATH STATUS` of every request served. */
  readonly requests: string[] = []
  /** Paths answered only after this many milliseconds (a slow download to catch a run in the middle). */
  readonly delays = new Map<string, number>()
  /** Fingerprint of the archive key and the keyring file holding it (--archive-keyring). */
  fpr = ''
  keyring = ''
  base = ''
  private server: Server | undefined

  constructor(readonly work: string) {
    this.www = join(work, 'www')
    this.gnupg = join(work, 'gnupg')
  }

  /** The archive key (made once per work folder), exported as keys/archive.asc and as a keyring. */
  makeKey(): void {
    mkdirSync(this.gnupg, { recursive: true, mode: 0o700 })
    const env = { GNUPGHOME: this.gnupg }
    sh('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'payload test archive <t@bai-seed.invalid>', 'ed25519', 'sign', 'never'], env)
    this.fpr = /^fpr:+([0-9A-F]+):/m.exec(sh('gpg', ['--with-colons', '--list-keys'], env))![1]!
    mkdirSync(join(this.www, 'keys'), { recursive: true })
    writeFileSync(join(this.www, 'keys', 'archive.asc'), sh('gpg', ['--armor', '--export', this.fpr], env))
    this.keyring = join(this.work, 'archive.gpg')
    sh('bash', ['-c', `GNUPGHOME=${this.gnupg} gpg --export ${this.fpr} > ${this.keyring}`])
  }

  /** A stand-in package NAME_VERSION_amd64.deb in `dir` (no files, only its control data). */
  mkdeb(dir: string, name: string, depends = '', version = '1.0-test'): void {
    const root = join(this.work, 'pkgs', `${name}_${version}`)
    mkdirSync(join(root, 'DEBIAN'), { recursive: true })
    writeFileSync(
      join(root, 'DEBIAN', 'control'),
      `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\nMaintainer: t <t@bai-seed.invalid>\n${depends ? `Depends: ${depends}\n` : ''}Description: stand-in ${name}\n`,
    )
    mkdirSync(dir, { recursive: true })
    sh('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, join(dir, `${name}_${version}_amd64.deb`)])
  }

  /** Packages and a signed InRelease for `suite` of the repository at `repo` (its pool/<component>). */
  signedSuite(repo: string, suite: string, component: string): void {
    const dists = join(repo, 'dists', suite)
    mkdirSync(join(dists, component, 'binary-amd64'), { recursive: true })
    const rel = run('bash', ['-c', `cd ${repo} && apt-ftparchive packages pool/${component} > dists/${suite}/${component}/binary-amd64/Packages && apt-ftparchive -o APT::FTPArchive::Release::Suite=${suite} -o APT::FTPArchive::Release::Codename=${suite} -o APT::FTPArchive::Release::Components=${component} -o APT::FTPArchive::Release::Architectures=amd64 release dists/${suite} > ${this.work}/Release && mv ${this.work}/Release dists/${suite}/Release`])
    assert.is(rel.status, 0, rel.stderr)
    sh('gpg', ['--batch', '--yes', '--clearsign', '-o', join(dists, 'InRelease'), join(dists, 'Release')], { GNUPGHOME: this.gnupg })
  }

  /** Serves the web root on a loopback port; `base` is its URL. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!))
      let file = join(this.www, path)
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
      const ok = !path.includes('..') && existsSync(file) && statSync(file).isFile()
      this.requests.push(`${req.method} ${path} ${ok ? 200 : 404}`)
      if (!ok) return void res.writeHead(404).end()
      const wait = this.delays.get(path) ?? 0
      if (wait > 0 && req.method === 'GET') return void setTimeout(() => this.send(req.method!, file, res), wait)
      this.send(req.method ?? 'GET', file, res)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  private send(method: string, file: string, res: ServerResponse): void {
    if (res.destroyed) return
    res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' })
    if (method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  }

  async close(): Promise<void> {
    run('env', [`GNUPGHOME=${this.gnupg}`, 'gpgconf', '--kill', 'all'])
    const s = this.server
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))
  }
}
