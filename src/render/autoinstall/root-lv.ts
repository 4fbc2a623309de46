// subiquity's `lvm` layout makes the root LV (ubuntu-vg/ubuntu-lv) half of the volume group, or at most 100 GiB, on
// 20.07+ installers; GPU agents fill it with CUDA and images. A late-command grows it (and its ext4, online) inside
// the installed system, to the whole group or to a given size. It never shrinks, and an LV already as large is left.
import type { NodePlan } from '../../model/plan.js'
import { ROOT_LV, ROOT_VG } from '../../plan/root-lv.js'

const UNIT_BYTES: Record<string, bigint> = { G: 1024n ** 3n, T: 1024n ** 4n }

/** Bytes of a size such as 200G or 2T (the inventory schema's pattern). */
function sizeBytes(size: string): bigint {
  const m = /^([1-9][0-9]*)([GT])$/.exec(size)
  if (!m) throw new RangeError(`not a size: ${size}`)
  return BigInt(m[1]!) * UNIT_BYTES[m[2]!]!
}

/** The shell text (POSIX sh: the target's dash) that grows the root LV to `size` ('all' or a size). */
export function growRootLvScript(size: string): string {
  const all = `lvextend -r -l +100%FREE ${ROOT_LV}`
  const free = `free=$(vgs --noheadings -o vg_free_count ${ROOT_VG} | tr -d ' ')`
  if (size === 'all') return `${free}; if [ "\${free:-0}" -gt 0 ]; then ${all}; fi`
  const want = sizeBytes(size).toString()
  return [
    `want=${want}`,
    `have=$(lvs --noheadings --units b --nosuffix -o lv_size ${ROOT_LV} | tr -d ' ')`,
    `freeb=$(vgs --noheadings --units b --nosuffix -o vg_free ${ROOT_VG} | tr -d ' ')`,
    `if [ "$have" -lt "$want" ]; then if [ $((want - have)) -ge "\${freeb:-0}" ]; then echo "bai-seed: root_lv ${size} is more than ${ROOT_VG} holds: growing it to the whole group" >&2; ${all}; ` +
      `else lvextend -r -L ${want}b ${ROOT_LV} || ${all}; fi; fi`,
  ].join('; ')
}

/** The autoinstall late-command, run inside the installed system. */
export function growRootLvCommand(plan: Pick<NodePlan, 'rootLv'>): string[] {
  return ['curtin', 'in-target', '--target=/target', '--', 'sh', '-c', growRootLvScript(plan.rootLv)]
}
