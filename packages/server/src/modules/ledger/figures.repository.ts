// Ledger's figures for the money check `sx doctor` runs (src/doctor/): each balance's sums per bucket
// and its payment entries. Read-only; the caller passes the snapshot transaction.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'

export type BalanceFigure = {
  shopId: string
  livemode: boolean
  currency: string
  available: number
  pending: number
  payments: number
}

export async function balanceFigures(trx: DbOrTrx): Promise<BalanceFigure[]> {
  const rows = await trx
    .selectFrom('ledger_entries')
    .select([
      'shop_id',
      'livemode',
      'currency',
      'bucket',
      sql<string>`sum(amount_cents)`.as('cents'),
      sql<string>`sum(case when kind = 'payment' then 1 else 0 end)`.as('payments'),
    ])
    .groupBy(['shop_id', 'livemode', 'currency', 'bucket'])
    .execute()
  const byAccount = new Map<string, BalanceFigure>()
  for (const row of rows) {
    const key = `${row.shop_id} ${row.livemode} ${row.currency}`
    let figure = byAccount.get(key)
    if (!figure)
      byAccount.set(
        key,
        (figure = {
          shopId: row.shop_id,
          livemode: row.livemode === 1,
          currency: row.currency,
          available: 0,
          pending: 0,
          payments: 0,
        }),
      )
    if (row.bucket === 'available') figure.available += Number(row.cents)
    else figure.pending += Number(row.cents)
    figure.payments += Number(row.payments)
  }
  return [...byAccount.values()]
}
