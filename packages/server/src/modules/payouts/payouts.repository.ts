import type { Insertable, Updateable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { PayoutRow, PayoutsTable } from './payouts.table.ts'

type Scope = { shopId: string; livemode: boolean }

export async function insertPayout(db: DbOrTrx, payout: Insertable<PayoutsTable>): Promise<void> {
  await db.insertInto('payouts').values(payout).execute()
}

export function findPayout(db: DbOrTrx, scope: Scope, id: string): Promise<PayoutRow | undefined> {
  return db
    .selectFrom('payouts')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** For the job, which carries the payout id only. */
export function findPayoutById(db: DbOrTrx, id: string): Promise<PayoutRow | undefined> {
  return db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listPayouts(
  db: DbOrTrx,
  scope: Scope,
  status: string | undefined,
  afterId: string | null,
  limit: number,
): Promise<PayoutRow[]> {
  let query = db
    .selectFrom('payouts')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
  if (status) query = query.where('status', '=', status)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

/** Changes a payout only while it is in one of `from`; returns whether it did (the step is recorded once). */
export async function transitionPayout(
  db: DbOrTrx,
  id: string,
  from: string[],
  patch: Updateable<PayoutsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('payouts')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
