// What the boot media commands need of the selected nodes beyond a valid inventory, as diagnostics at the nodes:
// `bai-seed pxe` boots nodes by MAC address, and every word of a node's kernel command line must reach the kernel;
// `bai-seed iso` picks the node at install time by MAC address and/or serial number. Host names, MAC formats and
// duplicate MACs and serials are the inventory's own rules (validate-inventory.ts, field-rules.ts). With these checks
// passed, the PXE and installer-seed renderers cannot fail on input.
import type { Diagnostic, PathSegment } from '../diagnostics/diagnostic.js'
import { diagnosticAt, type Locator } from '../diagnostics/diagnostic-at.js'
import { M } from '../diagnostics/messages.js'
import type { NodePlan } from '../model/plan.js'
import { kernelCmdlineProblem } from '../render/pxe/kernel-cmdline.js'

/** Where a node is in the inventory: `nodes[<index>]` of the node with this host name. */
function nodePath(doc: Locator & { value: unknown }, hostname: string): PathSegment[] {
  const nodes = (doc.value as { nodes?: { hostname?: unknown }[] } | null)?.nodes
  const i = Array.isArray(nodes) ? nodes.findIndex((n) => n?.hostname === hostname) : -1
  return i === -1 ? ['nodes'] : ['nodes', i]
}

/**
 * `kernelArgs` gives the words of a node's kernel command line (they depend on the flags and the node's token).
 * A node without a MAC address is a warning (it gets no boot files); no node with one is an error.
 */
export function checkPxeNodes(doc: Locator & { value: unknown }, plans: readonly NodePlan[], kernelArgs: (plan: NodePlan) => string[]): Diagnostic[] {
  const out: Diagnostic[] = []
  let booted = 0
  for (const plan of plans) {
    const at = nodePath(doc, plan.hostname)
    if (!plan.address.mac) {
      out.push(diagnosticAt(doc, at, 'PXE_NO_MAC', M.pxeNoMac(plan.hostname), 'warning'))
      continue
    }
    booted++
    const problem = kernelCmdlineProblem(kernelArgs(plan))
    if (problem) out.push(diagnosticAt(doc, [...at, 'hostname'], 'KERNEL_CMDLINE', M.kernelCmdline(plan.hostname, problem)))
  }
  if (booted === 0) out.push(diagnosticAt(doc, ['nodes'], 'NO_PXE_NODE', M.noPxeNode, 'error', 'key'))
  return out
}

/** Every node on the installer ISO needs a MAC address or a serial number, by which the medium picks it. */
export function checkInstallerIsoNodes(doc: Locator & { value: unknown }, plans: readonly NodePlan[]): Diagnostic[] {
  return plans
    .filter((p) => !p.address.mac && !p.serial)
    .map((p) => diagnosticAt(doc, nodePath(doc, p.hostname), 'NO_MACHINE_ID', M.noMachineId(p.hostname)))
}
