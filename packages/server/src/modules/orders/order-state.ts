// The order's state, shared by the merchant's actions, checkout, payments and the jobs: reading an
// order as the API shows it, moving a paid order on from its lines, and its stock reservations.
// Nothing here imports the services or jobs that use it (no cycle between them).
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { notFound } from '../../platform/errors.ts'
import { isId } from '../../platform/ids.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { recordCounterSold, releasePoolItems, returnCounterStock } from '../catalog/index.ts'
import { releaseRedemption } from '../coupons/index.ts'
import type { Order } from './orders.schemas.ts'
import { toOrder } from './orders.mappers.ts'
import type { OrderLineRow, OrderRow } from './orders.table.ts'
import * as repo from './orders.repository.ts'
import { queueMail } from './mail.ts'
import type { SecretBox } from '../../platform/secret-box.ts'

type Deps = Pick<Services, 'config' | 'secretBox'>

type Scope = { shopId: string; livemode: boolean }

export async function loadOrder(services: Deps, db: DbOrTrx, scope: Scope, id: string): Promise<Order> {
  const row = await findOwnOrder(db, scope, id)
  return toOrder(row, await repo.findLines(db, [id]), services.config.http.publicUrl, services.secretBox)
}

/** The order as the API shows it, by id alone (for jobs and events). */
export async function orderById(
  services: Deps,
  db: DbOrTrx,
  id: string,
): Promise<{ row: OrderRow; lines: OrderLineRow[]; order: Order }> {
  const row = await repo.findOrderById(db, id)
  if (!row) throw new Error(`order ${id} not found`)
  const lines = await repo.findLines(db, [id])
  return { row, lines, order: toOrder(row, lines, services.config.http.publicUrl, services.secretBox) }
}

/**
 * Moves a paid order on from the state of its lines; emits order.delivered or order.failed.
 * `current`: the order and its lines as this transaction left them, when the caller holds them
 * (delivery in the payment's transaction), which saves reading them again.
 */
export async function completeIfDelivered(
  services: Deps,
  trx: DbOrTrx,
  orderId: string,
  now: number,
  current?: { row: OrderRow; lines: OrderLineRow[] },
): Promise<void> {
  const lines = current?.lines ?? (await repo.findLines(trx, [orderId]))
  const states = lines.map((line) => line.delivery_state)
  let event: 'order.delivered' | 'order.failed' | null = null
  let patch: Partial<OrderRow> = {}
  if (states.includes('failed')) {
    patch = { status: 'failed', failure_reason: 'delivery_failed', updated_at: now }
    if (await repo.transitionOrder(trx, orderId, ['paid', 'delivering'], patch)) event = 'order.failed'
  } else if (states.every((s) => s === 'delivered')) {
    patch = { status: 'completed', delivered_at: now, updated_at: now }
    if (await repo.transitionOrder(trx, orderId, ['paid', 'delivering'], patch)) event = 'order.delivered'
  } else if (states.every((s) => s === 'delivered' || s === 'awaiting_fulfilment')) {
    await repo.transitionOrder(trx, orderId, ['delivering'], { status: 'paid', updated_at: now })
  }
  if (!event) return
  const after = current && { ...current.row, ...patch }
  const { row, order } = after
    ? { row: after, order: toOrder(after, lines, services.config.http.publicUrl, services.secretBox) }
    : await orderById(services, trx, orderId)
  const scope = { shopId: row.shop_id, livemode: row.livemode === 1 }
  await recordEvent(trx, services.secretBox, { ...scope, type: event, data: order, at: now })
  if (event === 'order.delivered')
    await queueMail(trx, services.secretBox, scope, { orderId, recipient: row.customer_email }, 'delivery', now)
}

/**
 * Gives an unpaid order's stock back: pool items to the pool, counters the units its lines took,
 * in product-id order like checkout takes them (two transactions never lock two products in
 * opposite orders), then its use of a coupon (after the products, as checkout takes it).
 * Runs in a transaction that publishes catalog changes (catalogTransaction).
 */
export async function releaseReservations(trx: DbOrTrx, scope: Scope, orderId: string, at: number): Promise<void> {
  await releasePoolItems(trx, scope, orderId)
  const lines = await repo.findLines(trx, [orderId])
  for (const line of lines.sort((a, b) => (a.product_id < b.product_id ? -1 : 1))) {
    if (line.counter_reserved === 1)
      await returnCounterStock(trx, scope, { productId: line.product_id, orderId, qty: Number(line.qty), at })
  }
  const couponId = await repo.findCouponId(trx, orderId)
  if (couponId !== null) await releaseRedemption(trx, couponId, at)
}

/** The order is paid: the units its lines took off counters are sold, recorded as such. */
export async function sellCounterReservations(
  trx: DbOrTrx,
  scope: Scope,
  lines: OrderLineRow[],
  at: number,
): Promise<void> {
  for (const line of lines) {
    if (line.counter_reserved === 1)
      await recordCounterSold(trx, scope, { productId: line.product_id, orderId: line.order_id, at })
  }
}

/** The order in this shop and mode, or 404 (another shop's or mode's order is 404 too). */
export async function findOwnOrder(db: DbOrTrx, scope: Scope, id: string): Promise<OrderRow> {
  const row = isId('order', id) ? await repo.findOrder(db, scope, id) : undefined
  if (!row) throw notFound('order', id)
  return row
}

/** When the subscription period an order granted ends (null before it is delivered). */
export async function subscriptionPeriodEnd(db: DbOrTrx, box: SecretBox, orderId: string): Promise<number | null> {
  const delivered = await repo.findSubscriptionDelivered(db, orderId)
  const end = delivered ? (JSON.parse(box.open(delivered)) as { period_end?: string }[])[0]?.period_end : undefined
  return end ? Date.parse(end) : null
}
