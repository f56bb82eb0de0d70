/** Time as epoch milliseconds; tests substitute a fixed or stepping clock. */
export type Clock = { now(): number }

export const systemClock: Clock = { now: () => Date.now() }

/** RFC 3339 UTC with `Z`, for API output. */
export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString()
}

export function toIsoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : toIso(epochMs)
}
