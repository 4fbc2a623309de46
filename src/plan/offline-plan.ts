// The node's view of `offline:`: where its payload is, what it trusts (the pinned manifest digest or signer key), and
// where in the payload's tree each kind of content is (the layout `bai-seed payload` writes), so that `plan` shows the
// files an offline node really uses instead of the network sources it never reaches.
import type { Inventory } from '../model/inventory.js'
import type { OfflinePlan } from '../model/plan.js'
import { osTarget, type TargetId } from '../targets/os-targets.js'

/** The label `bai-seed payload` gives the payload's ISO image (the schema's default of offline.label). */
export const PAYLOAD_LABEL = 'BAI_PAYLOAD'

/** Paths in the payload's tree (templates/script/payload.sh.hbs reads them there). */
export const PAYLOAD_TREE = {
  manifest: 'manifest.txt',
  /** The key that signs every apt repository of the payload (itself listed in the manifest). */
  aptKey: 'keys/payload-archive.gpg',
  /** The apt repository of one release: the node picks it by its /etc/os-release ID and VERSION_CODENAME. */
  apt: (id: string, codename: string): string => `apt/${id}-${codename}/`,
  python: (release: string): string => `python/${release}/`,
  wheels: 'wheels/',
  images: 'images/images.tar',
} as const

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

/** `fetches` line of an apt install from the payload: the repository of the target's release, then the packages. */
export function payloadAptFetch(targetId: TargetId, what: string): string {
  const t = osTarget(targetId)
  return `from the payload's ${PAYLOAD_TREE.apt(t.osReleaseId, t.codename)} (signed by ${PAYLOAD_TREE.aptKey}): ${what}`
}
