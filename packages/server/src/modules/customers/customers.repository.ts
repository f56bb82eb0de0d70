// Customers are one row per shop, mode and email; everything else about them is derived from
// their orders when read, which the orders module gives (the `CustomerOrders` port).
import { likeContaining } from '../../db/like.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'

type Scope = { shopId: string; livemode: boolean }

export type CustomerRow = { id: string; email: string; created_at: number }

/** The customer for this email, created if new; `created` tells whether this call made it. */
export async function upsertCustomer(
  db: DbOrTrx,
  scope: Scope,
  email: string,
  now: number,
): Promise<{ id: string; created: boolean }> {
  const id = newId('customer')
  const inserted = await db
    .insertInto('customers')
    .values({ id, shop_id: scope.shopId, livemode: scope.livemode ? 1 : 0, email, created_at: now })
    .onConflict((oc) => oc.columns(['shop_id', 'livemode', 'email']).doNothing())
    .executeTakeFirst()
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { id, created: true }
  const row = await db
    .selectFrom('customers')
    .select('id')
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('email', '=', email)
    .executeTakeFirstOrThrow()
  return { id: row.id, created: false }
}

function selectCustomers(db: DbOrTrx, scope: Scope) {
  return db
    .selectFrom('customers')
    .select(['id', 'email', 'created_at'])
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
}

export function listCustomers(
  db: DbOrTrx,
  scope: Scope,
  emailContains: string | undefined,
  afterId: string | null,
  limit: number,
): Promise<CustomerRow[]> {
  let query = selectCustomers(db, scope)
  // Emails are stored lower-cased.
  if (emailContains) query = query.where(likeContaining('email', emailContains.toLowerCase()))
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export function findCustomer(db: DbOrTrx, scope: Scope, id: string): Promise<CustomerRow | undefined> {
  return selectCustomers(db, scope).where('id', '=', id).executeTakeFirst()
}
