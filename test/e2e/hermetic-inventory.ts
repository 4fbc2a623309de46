// The inventory of the hermetic VM test, written at test time: the fingerprint of the upstream's signing key and its
// CA exist only once the upstream is built. Two nodes (a manager and a GPU agent), each booted in its own VM with the
// user network's addresses; every mirror points at the forwarded upstream addresses, and both report to the test's
// bai-seed serve.
import { writeFileSync } from 'node:fs'
import { dump } from 'js-yaml'
import { GUEST_HTTP, GUEST_REGISTRY, type Upstream } from './upstream.js'

export const HERMETIC_NODES = [
  { hostname: 'bai-m1', ip: '10.0.2.15', mac: '52:54:00:12:34:15', roles: ['manager'] },
  { hostname: 'bai-g1', ip: '10.0.2.16', mac: '52:54:00:12:34:16', roles: ['agent-gpu'] },
] as const

/**
 * The GPU agent's hardware as the NVIDIA stand-ins (upstream/stubs: nvidia-smi, lspci) see it, written onto its disk:
 * an HGX board with 8 GPUs and 4 NVSwitches, on the driver version of the OS target's stand-in driver packages.
 */
export function hgxLayout(driverBranch: number, cuda: string): string {
  const gpus = Array.from({ length: 8 }, (_, i) => `gpu ${i} GPU-e2e00000-0000-0000-0000-00000000000${i} mig NVIDIA H100 80GB HBM3`)
  return [`driver ${driverBranch}.0`, `cuda ${cuda}`, 'nvswitches 4', ...gpus].join('\n') + '\n'
}

/** Where the guests find the test's `bai-seed serve` for their reports (a guestfwd to its loopback port, like the upstream). */
export const GUEST_REPORT = '10.0.2.102'

export function writeHermeticInventory(path: string, up: Upstream): void {
  const http = `http://${GUEST_HTTP}`
  const pins = {
    docker: { key_fingerprint: up.fingerprint },
    python: { version: up.python.version, release: up.python.release },
  }
  const doc = {
    cluster: { name: 'bai-e2e', domain: 'e2e.internal', release: '23.03', locale: 'en_US.UTF-8', keyboard: 'us', timezone: 'UTC' },
    network: { subnet: '10.0.2.0/24', gateway: '10.0.2.2', dns: ['10.0.2.3'], search: ['e2e.internal'] },
    storage: { type: 'local' },
    mirrors: {
      apt: `${http}/debian`,
      docker_apt: `${http}/docker`,
      docker_apt_key: `${http}/keys/archive.asc`,
      cuda_apt: `${http}/cuda`,
      nvidia_toolkit_apt: `${http}/libnvidia-container`,
      python: `${http}/pbs`,
      pypi: `${http}/simple`,
      pypi_trusted_host: GUEST_HTTP,
      registries: {
        'docker.io': `${GUEST_REGISTRY}/hub`,
        'quay.io': `${GUEST_REGISTRY}/quay`,
        'cr.backend.ai': `${GUEST_REGISTRY}/backendai`,
      },
      ca_certificates: [up.caPem],
    },
    // Every stage of both nodes goes to the test's bai-seed serve (report-serve.ts): `bai-seed status` follows them.
    reporting: { url: `http://${GUEST_REPORT}/` },
    ssh: { authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFyBVpZ9OfFSAkmwbXKJLNFrMEk4Okvkhgsu7Xco5ugR e2e@bai-seed'] },
    nodes: HERMETIC_NODES.map((n) => ({
      hostname: n.hostname,
      ip: `${n.ip}/24`,
      mac: n.mac,
      roles: [...n.roles],
      overrides:
        n.roles[0] === 'agent-gpu'
          ? {
              ...pins,
              nvidia: {
                // The target's server branch, headless with its prebuilt modules; an 8-GPU NVSwitch board (HGX_LAYOUT).
                driver: { method: 'package' },
                gpus: 8,
                cuda: { key_fingerprint: up.fingerprint },
                container_toolkit: { key_fingerprint: up.fingerprint },
              },
            }
          : pins,
    })),
  }
  writeFileSync(path, `# Written by the hermetic e2e test.\n${dump(doc, { lineWidth: 200, noRefs: true })}`)
}
