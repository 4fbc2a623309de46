// Numeric and text field encoders of ECMA-119 section 7, each writing into a buffer at an offset.

function checkRange(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what}: ${value} is not an integer in 0..${max}`)
  }
}

/** 7.2.1: 16-bit number, least significant byte first. */
export function putU16LE(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff, '7.2.1 field')
  buf.writeUInt16LE(value, offset)
}

/** 7.2.2: 16-bit number, most significant byte first. */
export function putU16BE(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff, '7.2.2 field')
  buf.writeUInt16BE(value, offset)
}

/** 7.2.3: 16-bit number recorded twice, little-endian then big-endian (4 bytes). */
export function putU16Both(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff, '7.2.3 field')
  buf.writeUInt16LE(value, offset)
  buf.writeUInt16BE(value, offset + 2)
}

/** 7.3.1: 32-bit number, least significant byte first. */
export function putU32LE(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff_ffff, '7.3.1 field')
  buf.writeUInt32LE(value, offset)
}

/** 7.3.2: 32-bit number, most significant byte first. */
export function putU32BE(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff_ffff, '7.3.2 field')
  buf.writeUInt32BE(value, offset)
}

/** 7.3.3: 32-bit number recorded twice, little-endian then big-endian (8 bytes). */
export function putU32Both(buf: Buffer, offset: number, value: number): void {
  checkRange(value, 0xffff_ffff, '7.3.3 field')
  buf.writeUInt32LE(value, offset)
  buf.writeUInt32BE(value, offset + 4)
}

/**
 * 7.4.3 / 8.4.5: a-/d-character text field of fixed length, filled with spaces (20). Callers validate the
 * character set; this only refuses what cannot be stored as one byte per character.
 */
export function putPaddedAscii(buf: Buffer, offset: number, length: number, text: string): void {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`)
  if (text.length > length) throw new RangeError(`${JSON.stringify(text)} is longer than its ${length}-byte field`)
  buf.fill(0x20, offset, offset + length)
  buf.write(text, offset, 'latin1')
}

/**
 * Joliet (1995) section 5: in the Supplementary Volume Descriptor text fields hold UCS-2 big-endian characters,
 * filled with UCS-2 spaces (00 20); a field of odd length ends with one 00 byte. Text longer than the field is
 * cut at a whole character (never inside a surrogate pair).
 */
export function putPaddedUcs2(buf: Buffer, offset: number, length: number, text: string): void {
  const units = Math.floor(length / 2)
  let cut = Math.min(text.length, units)
  if (cut < text.length && cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1
  for (let i = 0; i < units; i++) buf.writeUInt16BE(i < cut ? text.charCodeAt(i) : 0x0020, offset + 2 * i)
  if (length % 2 === 1) buf[offset + length - 1] = 0
}

export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff
}

export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff
}
