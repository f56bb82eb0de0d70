import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'

export const DAY_MS = 86_400_000

/**
 * Orders paid in [fromMs, toMs) per UTC day (days since the epoch) and currency: how many, and their
 * totals. Integer division truncates on both dialects, and times are positive, so it is the floor.
 */
export function sumPaidOrdersByDay(
  db: DbOrTrx,
  scope: { shopId: string; livemode: boolean },
  fromMs: number,
  toMs: number,
) {
  const day = sql<number>`paid_at / ${sql.lit(DAY_MS)}`
  return db
    .selectFrom('orders')
    .select((eb) => [
      day.as('day'),
      'currency',
      eb.fn.countAll<number>().as('orders'),
      eb.fn.sum<number>('total_cents').as('total_cents'),
    ])
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('paid_at', '>=', fromMs)
    .where('paid_at', '<', toMs)
    .groupBy([day, 'currency'])
    .execute()
}
