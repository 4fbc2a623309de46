// The one timestamp written into artifacts (file mtimes, ISO dates, archive entries): SOURCE_DATE_EPOCH when set
// (reproducible-builds.org convention), else a fixed epoch, never the clock.
import { InputError } from '../diagnostics/errors.js'

/** 2020-01-01T00:00:00Z: fixed default, so that two renders without SOURCE_DATE_EPOCH are identical too. */
export const DEFAULT_EPOCH = 1577836800

export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH
  if (raw === undefined || raw === '') return DEFAULT_EPOCH
  if (!/^\d+$/.test(raw)) throw new InputError('SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH must be a whole number of seconds, not ${JSON.stringify(raw)}`)
  return Number(raw)
}
