/** Time as epoch milliseconds; tests substitute a clock that stands still until told to move. */
export type Clock = { now(): number }

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to: tests step past a delay (a retry, an expiry) instead of sleeping through it. */
export type ManualClock = Clock & {
  /** Moves the clock forward by `ms` and answers the new time. */
  advance(ms: number): number
  /** Moves the clock forward to `epochMs` (never back: code under test may rely on time not running backwards). */
  advanceTo(epochMs: number): number
}

export function createManualClock(start: number = Date.now()): ManualClock {
  let now = start
  const advanceTo = (epochMs: number) => {
    if (!Number.isFinite(epochMs) || epochMs < now)
      throw new Error(`a manual clock only moves forward (at ${now}, asked for ${epochMs})`)
    return (now = epochMs)
  }
  return { now: () => now, advance: (ms) => advanceTo(now + ms), advanceTo }
}

/** RFC 3339 UTC with `Z`, for API output. */
export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}

export function toIsoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : toIso(epochMs)
}

const RFC3339_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * An RFC 3339 `full-date` (`2026-05-26`, taken as that day in UTC) or `date-time` with its offset
 * (`2026-05-26T10:00:00Z`, `…+02:00`) → epoch ms (fractions below a millisecond are dropped), and
 * which of the two it was. Null for anything else: other ISO-8601 shapes, a missing offset (whose
 * zone would be the server's), trailing text, impossible dates or times (Feb 30, 24:00, :60).
 */
export function parseRfc3339(text: string): { epochMs: number; dateOnly: boolean } | null {
  const date = RFC3339_DATE.exec(text)
  const parts = date ?? RFC3339_DATE_TIME.exec(text)
  if (!parts) return null
  const [year, month, day, hour = 0, minute = 0, second = 0] = parts.slice(1, 7).map((p) => Number(p ?? 0))
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0)
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month! - 1]
  if (monthDays === undefined || day! < 1 || day! > monthDays || hour > 23 || minute > 59 || second > 59) return null
  const [, , , , , , , fraction = '', sign, offsetHours = '0', offsetMinutes = '0'] = parts
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return null
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000
  const at = new Date(0)
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  at.setUTCFullYear(year!, month! - 1, day!)
  at.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)))
  return { epochMs: at.getTime() - offsetMs, dateOnly: date !== null }
}
