// Refunds' figures for the money check `sx doctor` runs (src/doctor/). Read-only; the caller passes
// the snapshot transaction.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'

export type MoneyOutFigure = { shopId: string; livemode: boolean; currency: string; status: string; cents: number }

/** Refunded cents per shop, mode, currency and status. */
export async function refundFigures(trx: DbOrTrx): Promise<MoneyOutFigure[]> {
  const rows = await trx
    .selectFrom('refunds')
    .select(['shop_id', 'livemode', 'currency', 'status', sql<string>`sum(amount_cents)`.as('cents')])
    .groupBy(['shop_id', 'livemode', 'currency', 'status'])
    .execute()
  return rows.map((row) => ({
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    currency: row.currency,
    status: row.status,
    cents: Number(row.cents),
  }))
}

/** Per order with refunds: the cents of its refunds that have not failed (`open`) and of those that succeeded. */
export async function refundsPerOrder(trx: DbOrTrx): Promise<Map<string, { open: number; succeeded: number }>> {
  const rows = await trx
    .selectFrom('refunds')
    .select([
      'order_id',
      sql<string>`sum(case when status <> 'failed' then amount_cents else 0 end)`.as('open'),
      sql<string>`sum(case when status = 'succeeded' then amount_cents else 0 end)`.as('succeeded'),
    ])
    .groupBy('order_id')
    .execute()
  return new Map(rows.map((row) => [row.order_id, { open: Number(row.open), succeeded: Number(row.succeeded) }]))
}
