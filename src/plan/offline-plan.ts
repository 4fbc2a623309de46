// The node's view of `offline:`: where its payload is and what it trusts (the pinned manifest digest or signer key).
import type { Inventory } from '../model/inventory.js'
import type { OfflinePlan } from '../model/plan.js'

/** The label `bai-seed payload` gives the payload's ISO image (the schema's default of offline.label). */
export const PAYLOAD_LABEL = 'BAI_PAYLOAD'

export function offlinePlan(inventory: Inventory): OfflinePlan | null {
  const o = inventory.offline
  if (!o) return null
  return {
    delivery: o.delivery,
    source: o.delivery === 'url' ? (o.url ?? '').replace(/\/+$/, '') : o.label,
    manifestSha256: o.manifest_sha256 ?? '',
    signer: o.signer ?? '',
  }
}
