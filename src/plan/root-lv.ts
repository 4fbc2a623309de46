// The installed system's root LV: subiquity's `lvm` layout names it ubuntu-vg/ubuntu-lv and leaves half the group
// unused; the autoinstall grows it (render/autoinstall/root-lv.ts), and `plan` says so.

export const ROOT_VG = 'ubuntu-vg'
export const ROOT_LV = `/dev/${ROOT_VG}/ubuntu-lv`

export function describeRootLv(rootLv: string): string {
  return rootLv === 'all'
    ? `root LV ${ROOT_VG}/ubuntu-lv grown to the whole volume group after the install (subiquity leaves half unused)`
    : `root LV ${ROOT_VG}/ubuntu-lv grown to ${rootLv} after the install (or the whole group when smaller)`
}
