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
    if (!Number.isFinite(epochMs) || epochMs < now) throw new Error(`a manual clock only moves forward (at ${now}, asked for ${epochMs})`)
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
