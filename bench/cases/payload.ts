// `bai-seed payload` for the example cluster (a manager and two GPU agents) against the local upstream of the VM tests
// (test/e2e/upstream.ts, built once and cached in the e2e cache): a cold build into an empty folder (every package,
// archive, wheel and image fetched from loopback) and a re-run (nothing changed: nothing fetched, nothing rewritten);
// the size of the payload and of its ISO, and the images' docker-archive against the sum of their layers.
// The example's storage is NFS and its release line 24.09 (Python 3.12); the local upstream carries no NFS packages and
// Debian's Python 3.11, so the nodes' storage is local and the release line 23.03 here.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dump, load } from 'js-yaml'
import { binRun, exampleInventory, workDir } from '../lib/paths.js'
import { ensureGuestRootfs } from '../../test/e2e/guest-rootfs.js'
import { ensureUpstream, UpstreamServices } from '../../test/e2e/upstream.js'

export interface PayloadFigures {
  nodes: number
  coldSeconds: number
  rerunSeconds: number
  files: number
  treeBytes: number
  isoBytes: number
  /** What the registries list for the images (layers and configs, per image) and the archive that holds them. */
  imagesListedBytes: number
  imagesArchiveBytes: number
  debs: number
}

export async function benchPayload(log: (line: string) => void): Promise<PayloadFigures> {
  const rootfs = ensureGuestRootfs()
  const up = ensureUpstream(rootfs)
  const dir = join(workDir, 'payload')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const services = new UpstreamServices(up, dir)
  await services.start()
  try {
    const http = `http://127.0.0.1:${services.httpPort}`
    const reg = `127.0.0.1:${services.registryPort}`
    const doc = load(readFileSync(exampleInventory, 'utf8')) as Record<string, any>
    doc.storage = { type: 'local' }
    // The upstream's Python is 3.11 (Debian's): the release line that runs on it.
    doc.cluster.release = '23.03'
    doc.mirrors = {
      apt: `${http}/debian`, docker_apt: `${http}/docker`, docker_apt_key: `${http}/keys/archive.asc`, cuda_apt: `${http}/cuda`,
      nvidia_toolkit_apt: `${http}/libnvidia-container`, python: `${http}/pbs`, pypi: `${http}/simple`,
      registries: { 'docker.io': `${reg}/hub`, 'quay.io': `${reg}/quay`, 'cr.backend.ai': `${reg}/backendai` },
      ca_certificates: [up.caPem],
    }
    const pins = { docker: { key_fingerprint: up.fingerprint }, python: { version: up.python.version, release: up.python.release } }
    for (const n of doc.nodes as Record<string, any>[]) {
      n.overrides = (n.roles as string[]).includes('agent-gpu')
        ? // The OS target's server driver package (the upstream's stand-ins carry its name), with its prebuilt modules;
          // Fabric Manager off, as in the offline VM test: the upstream has no pciutils (its lock: test/payload).
          {
            ...pins,
            nvidia: { driver: { method: 'package' }, fabric_manager: false, cuda: { key_fingerprint: up.fingerprint }, container_toolkit: { key_fingerprint: up.fingerprint } },
          }
        : pins
    }
    const inventory = join(dir, 'cluster.yaml')
    writeFileSync(inventory, dump(doc, { lineWidth: 200, noRefs: true }))
    const out = join(dir, 'out')
    const args = [binRun, 'payload', '-c', inventory, '-o', out, '--base-root', rootfs.dir, '--archive-keyring', up.keyring]
    // Asynchronous: the upstream's HTTP server answers from this process's event loop.
    const timed = (): Promise<{ seconds: number; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint()
        execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
          err ? reject(new Error(`bai-seed payload failed: ${stderr}`)) : resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, stdout, stderr }),
        )
      })
    log('payload: cold build for the example cluster')
    const cold = await timed()
    log('payload: re-run')
    const rerun = await timed()
    const manifest = readFileSync(join(out, 'tree', 'manifest.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
    const listed = /images ([\d.]+) (KiB|MiB|GiB) before/.exec(cold.stderr)
    const unit = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[listed?.[2] as 'KiB' | 'MiB' | 'GiB'] ?? 0
    return {
      nodes: (doc.nodes as unknown[]).length,
      coldSeconds: cold.seconds,
      rerunSeconds: rerun.seconds,
      files: manifest.length,
      treeBytes: manifest.reduce((n, l) => n + Number(l.split(/\s+/)[1]), 0),
      isoBytes: statSync(join(out, 'payload.iso')).size,
      imagesListedBytes: Math.round(Number(listed?.[1] ?? 0) * unit),
      imagesArchiveBytes: statSync(join(out, 'tree', 'images', 'images.tar')).size,
      debs: manifest.filter((l) => l.endsWith('.deb')).length,
    }
  } finally {
    await services.close()
  }
}
