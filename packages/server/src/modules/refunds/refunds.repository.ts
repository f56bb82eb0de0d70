import { sql, type Insertable, type Updateable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { RefundRow, RefundsTable } from './refunds.table.ts'

type Scope = { shopId: string; livemode: boolean }

export async function insertRefund(db: DbOrTrx, refund: Insertable<RefundsTable>): Promise<void> {
  await db.insertInto('refunds').values(refund).execute()
}

/** For the job, which carries the refund id only. */
export function findRefundById(db: DbOrTrx, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listRefunds(
  db: DbOrTrx,
  scope: Scope,
  orderId: string,
  afterId: string | null,
  limit: number,
): Promise<RefundRow[]> {
  let query = db
    .selectFrom('refunds')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('order_id', '=', orderId)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

/** Changes a refund only while it is in `from`; returns whether it did (racing jobs cannot both settle it). */
export async function transitionRefund(
  db: DbOrTrx,
  id: string,
  from: string,
  patch: Updateable<RefundsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Records the transaction the provider broadcast, once. */
export async function recordBroadcast(db: DbOrTrx, id: string, txHash: string, now: number): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ destination_tx: txHash, broadcast_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('destination_tx', 'is', null)
    .execute()
}

export async function succeededCents(db: DbOrTrx, orderId: string): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select(sql<string>`coalesce(sum(amount_cents), 0)`.as('cents'))
    .where('order_id', '=', orderId)
    .where('status', '=', 'succeeded')
    .executeTakeFirstOrThrow()
  return Number(row.cents)
}
