// MAC addresses as the boot loaders print them: six lowercase hex pairs. GRUB's net_default_mac and iPXE's
// ${netX/mac} use colons; PXELINUX and GRUB look up config files by the dashed form with the ARP hardware type
// prefix "01-" for Ethernet (RFC 1700 / pxelinux.txt "01-88-99-aa-bb-cc-dd").

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

/** Lowercase colon form, or null when the text is not a 48-bit MAC address written with colons or dashes. */
export function normalizeMac(text: string): string | null {
  const lower = text.trim().toLowerCase().replace(/-/g, ':')
  return MAC.test(lower) ? lower : null
}

export function dashedMac(mac: string): string {
  return mac.replace(/:/g, '-')
}
