// Report series for the dashboard's home page, in the caller's mode.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { DAY_MS, sumPaidOrdersByDay } from './reports.repository.ts'
import type { DailyReport } from './reports.schemas.ts'

/** Orders paid per UTC day for the last `days` days (today included), with their totals per currency; days without any are zeros. */
export async function dailyReport(
  services: Pick<Services, 'db' | 'clock'>,
  ctx: RequestContext,
  days: number,
): Promise<DailyReport> {
  const today = Math.floor(services.clock.now() / DAY_MS)
  const first = today - days + 1
  const rows = await sumPaidOrdersByDay(services.db, ctx.auth, first * DAY_MS, (today + 1) * DAY_MS)
  const data = Array.from({ length: days }, (_, i) => ({
    date: isoDate(first + i),
    orders: 0,
    revenue: [] as { currency: string; amount_cents: number }[],
  }))
  for (const row of rows) {
    const entry = data[Number(row.day) - first]
    if (!entry) continue
    entry.orders += Number(row.orders)
    entry.revenue.push({ currency: row.currency, amount_cents: Number(row.total_cents) })
  }
  for (const entry of data) entry.revenue.sort((a, b) => a.currency.localeCompare(b.currency))
  return { livemode: ctx.auth.livemode, from: isoDate(first), to: isoDate(today), data }
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}
