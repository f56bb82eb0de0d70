// Payouts' figures for the money check `sx doctor` runs (src/doctor/). Read-only; the caller passes
// the snapshot transaction.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'

export type PayoutFigure = { shopId: string; livemode: boolean; currency: string; status: string; cents: number }

/** Paid-out cents per shop, mode, currency and status. */
export async function payoutFigures(trx: DbOrTrx): Promise<PayoutFigure[]> {
  const rows = await trx
    .selectFrom('payouts')
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
