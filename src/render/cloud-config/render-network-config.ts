// Netplan v2 network configuration of a node's static address: cloud-init network-config (no top-level `network:`
// key) and the autoinstall `network` section share it.
import type { NodePlan } from '../../model/plan.js'

export function buildNetplan(plan: NodePlan): Record<string, unknown> {
  const a = plan.address
  // With a match, the key is only an id; with an interface name, it is the device.
  const name = a.interface ?? 'primary'
  const eth: Record<string, unknown> = {}
  if (a.interface === null) {
    // Match the NIC by MAC when known, else the first ethernet-named device.
    eth.match = a.mac ? { macaddress: a.mac } : { name: 'e*' }
  }
  eth.dhcp4 = false
  eth.addresses = [`${a.ip}/${a.prefix}`]
  // A default route instead of gateway4, which newer netplan deprecates; 0.0.0.0/0 also works on focal's netplan.
  eth.routes = [{ to: '0.0.0.0/0', via: a.gateway }]
  const ns: Record<string, unknown> = { addresses: a.dns }
  if (a.search.length) ns.search = a.search
  eth.nameservers = ns
  return { version: 2, ethernets: { [name]: eth } }
}
