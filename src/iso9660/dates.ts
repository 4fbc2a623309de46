// The two date formats of ECMA-119. All dates this writer records are in UTC (offset 0) and come from one epoch.

/** 9.1.5: "Recording Date and Time", 7 bytes; the year is stored as years since 1900 in one byte. */
export const RECORDING_DATE_LENGTH = 7

function utcParts(epochSeconds: number, minYear: number, maxYear: number): Date {
  const min = Date.UTC(minYear, 0, 1, 0, 0, 0)
  const max = Date.UTC(maxYear, 11, 31, 23, 59, 59)
  // Out-of-range epochs are clamped rather than wrapped, so the date stays monotonic.
  return new Date(Math.min(max, Math.max(min, Math.trunc(epochSeconds) * 1000)))
}

/** 9.1.5: years since 1900, month, day, hour, minute, second, offset from GMT in 15-minute units. */
export function recordingDate(epochSeconds: number): Buffer {
  const d = utcParts(epochSeconds, 1900, 2155)
  return Buffer.from([
    d.getUTCFullYear() - 1900,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    0,
  ])
}

/** 8.4.26.1: "YYYYMMDDhhmmsscc" as digits, then the GMT offset byte. */
export function volumeDate(epochSeconds: number): Buffer {
  const d = utcParts(epochSeconds, 1, 9999)
  const two = (n: number): string => String(n).padStart(2, '0')
  const digits =
    String(d.getUTCFullYear()).padStart(4, '0') +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    '00'
  return Buffer.concat([Buffer.from(digits, 'latin1'), Buffer.from([0])])
}

/** 8.4.26.1: a date that is "not specified": sixteen '0' digits and a zero offset. */
export function unsetVolumeDate(): Buffer {
  return Buffer.concat([Buffer.from('0'.repeat(16), 'latin1'), Buffer.from([0])])
}
