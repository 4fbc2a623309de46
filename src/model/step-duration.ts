// A step's expected duration as profiles write it (settings.expected_durations: `45m`, `2h`, `1h30m`, `90s`): the one
// parser, used by validation (which owns the rules) and by the plan (which takes the seconds).

/** Longest duration a profile may give a step: a first-boot step silent for more than a day is not a deadline. */
export const MAX_STEP_SECONDS = 24 * 3600

const DURATION = /^(?:([0-9]{1,5})h)?(?:([0-9]{1,5})m)?(?:([0-9]{1,7})s)?$/

/** Seconds of a well-formed duration (0 for `0m`), undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text)
  if (!m || text === '') return undefined
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)
}

/** 2700 -> `45m`, 5400 -> `1h30m`, 90 -> `1m30s`. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`
  return text || '0s'
}
