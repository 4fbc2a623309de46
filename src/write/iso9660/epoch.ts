// Every timestamp in an image comes from one epoch, so the same inputs give the same bytes
// (https://reproducible-builds.org/specs/source-date-epoch/).

import { IsoWriteError } from './errors.js'

/** Used when neither an explicit epoch nor SOURCE_DATE_EPOCH is given: 2020-01-01T00:00:00Z. */
export const DEFAULT_EPOCH = 1_577_836_800

/** An explicit epoch wins, then SOURCE_DATE_EPOCH, then DEFAULT_EPOCH. */
export function resolveEpoch(explicit: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit)) {
      throw new IsoWriteError('INVALID_EPOCH', `epoch must be an integer number of seconds, got ${explicit}`)
    }
    return explicit
  }
  const text = env.SOURCE_DATE_EPOCH
  if (text === undefined || text === '') return DEFAULT_EPOCH
  if (!/^\d+$/.test(text)) {
    throw new IsoWriteError('INVALID_EPOCH', `SOURCE_DATE_EPOCH must be a non-negative integer, got ${JSON.stringify(text)}`)
  }
  return Number(text)
}
