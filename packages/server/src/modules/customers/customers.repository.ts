// Customers are one row per shop, mode and email; everything else about them is derived from
// their orders when read (this module reads the orders table, it never writes it).
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'

type Scope = { shopId: string; livemode: boolean }

export type CustomerRow = {
  id: string
  email: string
  created_at: number
  orders_count: number
  lifetime_cents: number
  last_seen_at: number | null
}

/** The customer for this email, created if new; `created` tells whether this call made it. */
export async function upsertCustomer(db: DbOrTrx, scope: Scope, email: string, now: number): Promise<{ id: string; created: boolean }> {
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
    .select(['customers.id', 'customers.email', 'customers.created_at'])
    .select((eb) => [
      eb.selectFrom('orders').select((o) => o.fn.countAll<number>().as('n')).whereRef('orders.customer_id', '=', 'customers.id').as('orders_count'),
      eb
        .selectFrom('orders')
        .select((o) => o.fn.coalesce(o.fn.sum<number>(sql`total_cents - refunded_cents`), o.lit(0)).as('s'))
        .whereRef('orders.customer_id', '=', 'customers.id')
        .where('orders.paid_at', 'is not', null)
        .as('lifetime_cents'),
      eb.selectFrom('orders').select((o) => o.fn.max('created_at').as('m')).whereRef('orders.customer_id', '=', 'customers.id').as('last_seen_at'),
    ])
    .where('customers.shop_id', '=', scope.shopId)
    .where('customers.livemode', '=', scope.livemode ? 1 : 0)
}

export async function listCustomers(db: DbOrTrx, scope: Scope, afterId: string | null, limit: number): Promise<CustomerRow[]> {
  let query = selectCustomers(db, scope)
  if (afterId) query = query.where('customers.id', '<', afterId)
  return (await query.orderBy('customers.id', 'desc').limit(limit + 1).execute()) as CustomerRow[]
}

export async function findCustomer(db: DbOrTrx, scope: Scope, id: string): Promise<CustomerRow | undefined> {
  return (await selectCustomers(db, scope).where('customers.id', '=', id).executeTakeFirst()) as CustomerRow | undefined
}

export function recentOrders(db: DbOrTrx, customerId: string, limit: number) {
  return db
    .selectFrom('orders')
    .select(['id', 'status', 'total_cents', 'currency', 'created_at', 'paid_at'])
    .where('customer_id', '=', customerId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
