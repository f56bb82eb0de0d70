import type { INTERVALS } from '../catalog/index.ts'

export type Interval = (typeof INTERVALS)[number]

/** `at` plus one interval, in UTC calendar terms (Jan 31 + month = the last day of February). */
export function addInterval(at: number, interval: Interval): number {
  if (interval === 'day') return at + 86_400_000
  if (interval === 'week') return at + 7 * 86_400_000
  const date = new Date(at)
  const months = interval === 'month' ? 1 : 12
  const day = date.getUTCDate()
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  date.setUTCDate(Math.min(day, lastDay))
  return date.getTime()
}

/**
 * When the renewal invoice for a period [start, end) is made: `noticeMs` before the end, but never
 * before the period's midpoint, so a daily plan with a 3-day notice is not renewed the moment it starts.
 */
export function renewalRunAt(start: number, end: number, noticeMs: number): number {
  return end - Math.min(noticeMs, Math.floor((end - start) / 2))
}
