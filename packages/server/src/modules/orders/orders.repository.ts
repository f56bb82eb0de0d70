import type { Insertable, Updateable } from 'kysely'
import { likeContaining } from '../../db/like.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { deliveryStateIs } from './delivery-filter.ts'
import type { DeliveryState } from './orders.schemas.ts'
import type { OrderLineRow, OrderLinesTable, OrderRow, OrdersTable } from './orders.table.ts'

type Scope = { shopId: string; livemode: boolean }

export async function insertOrder(
  db: DbOrTrx,
  order: Insertable<OrdersTable>,
  lines: Insertable<OrderLinesTable>[],
): Promise<void> {
  await db.insertInto('orders').values(order).execute()
  await db.insertInto('order_lines').values(lines).execute()
}

export function findOrder(db: DbOrTrx, scope: Scope, id: string): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** For jobs, which carry an order id only. */
export function findOrderById(db: DbOrTrx, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The coupon an order holds a use of, if any (released with its stock when it expires unpaid). */
export async function findCouponId(db: DbOrTrx, id: string): Promise<string | null> {
  const row = await db.selectFrom('orders').select('coupon_id').where('id', '=', id).executeTakeFirst()
  return row?.coupon_id ?? null
}

export function findOrderByPageToken(db: DbOrTrx, token: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('page_token', '=', token).executeTakeFirst()
}

export function listOrders(
  db: DbOrTrx,
  scope: Scope,
  filters: {
    status?: string
    customerId?: string
    deliveryState?: DeliveryState
    from?: number
    toBefore?: number
    id?: string
    emailContains?: string
  },
  afterId: string | null,
  limit: number,
): Promise<OrderRow[]> {
  let query = db
    .selectFrom('orders')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
  if (filters.status) query = query.where('status', '=', filters.status)
  if (filters.customerId) query = query.where('customer_id', '=', filters.customerId)
  if (filters.deliveryState) query = query.where((eb) => deliveryStateIs(eb, filters.deliveryState!))
  if (filters.id !== undefined) query = query.where('id', '=', filters.id)
  if (filters.emailContains !== undefined) query = query.where(likeContaining('customer_email', filters.emailContains))
  if (filters.from !== undefined) query = query.where('created_at', '>=', filters.from)
  if (filters.toBefore !== undefined) query = query.where('created_at', '<', filters.toBefore)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export function findLines(db: DbOrTrx, orderIds: string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line')
    .execute()
}

/**
 * Changes an order only if it is still in one of `from` statuses; returns whether it did. Every
 * status change goes through here, so two racing transitions (expiry and a late payment) cannot
 * both win.
 */
export async function transitionOrder(
  db: DbOrTrx,
  id: string,
  from: string[],
  patch: Updateable<OrdersTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function updateOrder(db: DbOrTrx, id: string, patch: Updateable<OrdersTable>): Promise<void> {
  await db.updateTable('orders').set(patch).where('id', '=', id).execute()
}

export async function updateLine(
  db: DbOrTrx,
  orderId: string,
  line: number,
  patch: Updateable<OrderLinesTable>,
): Promise<void> {
  await db.updateTable('order_lines').set(patch).where('order_id', '=', orderId).where('line', '=', line).execute()
}

/**
 * Takes the order's row lock (a no-op write) before reading it, so concurrent payments of one
 * order apply one after the other on PostgreSQL, as they already do under SQLite's write lock.
 */
export async function lockOrder(db: DbOrTrx, id: string): Promise<OrderRow | undefined> {
  return db
    .updateTable('orders')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

export async function insertPayment(
  db: DbOrTrx,
  payment: { order_id: string; tx_hash: string; amount: string; seen_at: number },
): Promise<boolean> {
  const result = await db
    .insertInto('order_payments')
    .values(payment)
    .onConflict((oc) => oc.columns(['order_id', 'tx_hash']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

export async function countPayments(db: DbOrTrx, orderId: string): Promise<number> {
  const row = await db
    .selectFrom('order_payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Claims a line for one delivery attempt while it is still pending; false if another worker settled it meanwhile. */
export async function claimPendingLine(db: DbOrTrx, orderId: string, line: number, attempts: number): Promise<boolean> {
  const claimed = await db
    .updateTable('order_lines')
    .set({ attempts })
    .where('order_id', '=', orderId)
    .where('line', '=', line)
    .where('delivery_state', '=', 'pending')
    .executeTakeFirst()
  return claimed.numUpdatedRows > 0n
}

/** A redelivery: the failed lines go back to pending with a fresh attempt count. */
export async function resetFailedLines(db: DbOrTrx, orderId: string): Promise<void> {
  await db
    .updateTable('order_lines')
    .set({ delivery_state: 'pending', attempts: 0, last_error: null })
    .where('order_id', '=', orderId)
    .where('delivery_state', '=', 'failed')
    .execute()
}

export async function addToRefundedCents(db: DbOrTrx, orderId: string, deltaCents: number, now: number): Promise<void> {
  await db
    .updateTable('orders')
    .set((eb) => ({ refunded_cents: eb('refunded_cents', '+', deltaCents), updated_at: now }))
    .where('id', '=', orderId)
    .execute()
}

/** The sealed `delivered` of the order's subscription line (null before delivery or without one). */
export async function findSubscriptionDelivered(db: DbOrTrx, orderId: string): Promise<string | null> {
  const row = await db
    .selectFrom('order_lines')
    .select('delivered')
    .where('order_id', '=', orderId)
    .where('product_type', '=', 'subscription')
    .executeTakeFirst()
  return row?.delivered ?? null
}

/** Whether a renewal of this order exists already (the renewal job runs at least once). */
export async function hasRenewal(db: DbOrTrx, orderId: string): Promise<boolean> {
  return (
    (await db.selectFrom('orders').select('id').where('renews_order_id', '=', orderId).executeTakeFirst()) !== undefined
  )
}

/** Unpaid orders from the storefront's form in this shop and mode, from one address and from one email. */
export async function countUnpaidPublicOrders(
  db: DbOrTrx,
  scope: { shopId: string; livemode: boolean },
  buyer: { buyerAddress: string; email: string },
): Promise<{ byAddress: number; byEmail: number }> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => [
      eb.fn
        .sum<number>(eb.case().when('buyer_address', '=', buyer.buyerAddress).then(1).else(0).end())
        .as('by_address'),
      eb.fn.sum<number>(eb.case().when('customer_email', '=', buyer.email).then(1).else(0).end()).as('by_email'),
    ])
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('status', 'in', ['pending', 'awaiting_payment'])
    .where('buyer_address', 'is not', null)
    .where((eb) => eb.or([eb('buyer_address', '=', buyer.buyerAddress), eb('customer_email', '=', buyer.email)]))
    .executeTakeFirst()
  return { byAddress: Number(row?.by_address ?? 0), byEmail: Number(row?.by_email ?? 0) }
}
