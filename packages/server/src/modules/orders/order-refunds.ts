// The order's side of refunds (the refunds module drives them): which orders hold money, how much
// of it is committed to refunds (`refunded_cents`), and the switch to `refunded` once refunds that
// succeeded cover the whole total. All of it runs in the refunds module's transactions.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { refundPoolItems } from '../catalog/index.ts'
import * as repo from './orders.repository.ts'
import type { OrderRow } from './orders.table.ts'
import { findOwnOrder, orderById } from './order-state.ts'

type Scope = { shopId: string; livemode: boolean }

/** The order in this shop and mode (404 otherwise), read under its row lock: refunds of one order apply one at a time. */
export async function lockOwnOrder(trx: DbOrTrx, scope: Scope, id: string): Promise<OrderRow> {
  await findOwnOrder(trx, scope, id)
  return (await repo.lockOrder(trx, id))!
}

/** For jobs, which carry ids only: the order under its row lock. */
export async function lockOrderById(trx: DbOrTrx, id: string): Promise<OrderRow> {
  const row = await repo.lockOrder(trx, id)
  if (!row) throw new Error(`order ${id} not found`)
  return row
}

/** Money the order brought in: paid in full (settled, or late). Unpaid and expired orders hold nothing to refund. */
export function holdsPayment(row: OrderRow): boolean {
  return row.paid_at !== null
}

/** Changes what is committed to refunds (+ when one is created, − when one fails). */
export async function addRefundedCents(trx: DbOrTrx, orderId: string, deltaCents: number, now: number): Promise<void> {
  await repo.addToRefundedCents(trx, orderId, deltaCents, now)
}

/**
 * Once refunds that succeeded cover the total: the order becomes `refunded` (whatever it was:
 * completed, still delivering, waiting for fulfilment, or failed), its pool items are marked
 * refunded for good, and `order.refunded` is recorded.
 */
export async function markRefundedIfCovered(
  services: Pick<Services, 'config' | 'secretBox'>,
  trx: DbOrTrx,
  row: OrderRow,
  succeededCents: number,
  now: number,
): Promise<void> {
  if (succeededCents < Number(row.total_cents)) return
  if (
    !(await repo.transitionOrder(trx, row.id, ['paid', 'delivering', 'completed', 'failed'], {
      status: 'refunded',
      updated_at: now,
    }))
  )
    return
  await refundPoolItems(trx, row.id)
  const { order } = await orderById(services, trx, row.id)
  await recordEvent(trx, services.secretBox, {
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    type: 'order.refunded',
    data: order,
    at: now,
  })
}
