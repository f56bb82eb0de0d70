// Applying a payment the provider saw: the invoice state machine decides, and the order follows
// (awaiting_payment → paid, which credits the ledger and delivers in the same transaction, or
// queues the delivery job when a line needs a network call). Payments of one order
// apply one at a time, and a transaction hash counts once, so replays and races cannot deliver
// (or credit) twice.
import type { Services } from '../../services.ts'
import { inSavepoint } from '../../db/savepoint.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { creditPayment } from '../ledger/index.ts'
import {
  afterPayment,
  becamePaid,
  findAsset,
  parseUnits,
  remaining,
  sandboxPaymentHash,
  tolerance,
  type Chain,
  type InvoiceStatus,
} from '../payments/index.ts'
import type { Order, PayBody } from './orders.schemas.ts'
import * as repo from './orders.repository.ts'
import { findOwnOrder, loadOrder, orderById, sellCounterReservations } from './order-state.ts'
import type { OrderRow } from './orders.table.ts'
import { JOBS } from './jobs.ts'
import { deliverWithPayment } from './delivery.job.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'secretBox'>

/** POST /v1/test_helpers/orders/{id}/pay: the sandbox sees a payment, as a chain watcher would. */
export async function simulatePayment(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>,
  ctx: RequestContext,
  id: string,
  body: PayBody,
): Promise<Order> {
  // Test helpers do not exist for live keys.
  if (ctx.auth.livemode) throw new AppError('not_found', 'Test helpers exist for test keys only.')
  const row = await findOwnOrder(services.db, ctx.auth, id)
  if (row.amount_due === null)
    throw new AppError('conflict', `Order ${id} has no invoice to pay (it is ${row.status}).`)
  const asset = findAsset(row.chain as Chain, row.asset)!
  const amount = body.amount === undefined ? null : parseUnits(body.amount, asset.decimals)
  if (body.amount !== undefined && (amount === null || amount <= 0n)) {
    throw invalidFields({
      amount: [`must be a positive amount of ${row.asset} with at most ${asset.decimals} decimals, like "25.5"`],
    })
  }
  return ctx.transact(async (trx) => {
    await paySandboxInvoice(services, trx, id, { amount, txHash: body.tx_hash })
    return loadOrder(services, trx, ctx.auth, id)
  })
}

/**
 * The sandbox sees a payment of `amount` (null: what is left, or the whole amount again once
 * paid), under the order's lock. The test helper route uses it; so do tests paying live orders
 * through the live test double, which is a sandbox too.
 */
export async function paySandboxInvoice(
  services: Deps,
  trx: DbOrTrx,
  orderId: string,
  payment: { amount: bigint | null; txHash?: string },
): Promise<void> {
  const order = (await repo.lockOrder(trx, orderId))!
  const due = BigInt(order.amount_due!)
  const received = BigInt(order.amount_received)
  const paying = payment.amount ?? (remaining(due, received) > 0n ? remaining(due, received) : due)
  const txHash =
    payment.txHash ?? sandboxPaymentHash(order.chain as Chain, orderId, await repo.countPayments(trx, orderId))
  await applyPayment(services, trx, order, { txHash, amount: paying })
}

/**
 * A chain watcher counts a confirmed payment (its block still canonical): the same state machine
 * as the sandbox's. `key` identifies it among the order's payments ("<tx>:<log index>", so two
 * transfers in one transaction count apart); counted once per key.
 */
export async function applyChainPayment(
  services: Deps,
  trx: DbOrTrx,
  orderId: string,
  payment: { key: string; txHash: string; amount: bigint; address: string },
): Promise<void> {
  const order = await repo.lockOrder(trx, orderId)
  if (order?.amount_due == null) return
  // Paid to an address the order no longer names (its method was changed, payment-method.service.ts):
  // that quote is closed, its amount is in another asset; the watcher keeps the payment on record.
  if (order.pay_address?.toLowerCase() !== payment.address.toLowerCase()) return
  await applyPayment(services, trx, order, payment)
}

/**
 * A chain watcher sees `payments` not yet confirmed (none once a reorg took them away): an
 * open invoice shows `processing` while what is counted plus what is pending covers it, and goes
 * back when a payment is dropped. Nothing is counted or credited here. `progressed`: a payment gained
 * confirmations, so the order's page version moves and the buyer's open page shows the new count.
 */
export async function noteUnconfirmed(
  services: Deps,
  trx: DbOrTrx,
  orderId: string,
  payments: { address: string; amount: bigint }[],
  progressed = false,
): Promise<void> {
  const order = await repo.lockOrder(trx, orderId)
  if (order?.amount_due == null) return
  // Only what is sent to the order's current address can pay it (a changed method closed the others).
  const current = order.pay_address?.toLowerCase()
  const pending = payments.filter((p) => p.address.toLowerCase() === current).reduce((sum, p) => sum + p.amount, 0n)
  const before = order.invoice_status as InvoiceStatus
  if (before !== 'new' && before !== 'partially_paid' && before !== 'processing') return
  const due = BigInt(order.amount_due)
  const asset = findAsset(order.chain as Chain, order.asset)!
  const after = afterPayment({
    status: before,
    due,
    received: BigInt(order.amount_received) + pending,
    tolerance: tolerance(asset, due),
    confirmed: false,
  })
  // What is counted decides partially_paid vs new; pending money alone only ever shows as processing.
  const shown = after === 'processing' ? after : BigInt(order.amount_received) > 0n ? 'partially_paid' : 'new'
  if (shown !== before || progressed)
    await repo.updateOrder(trx, orderId, { invoice_status: shown, updated_at: services.clock.now() })
}

/** Records one payment (once per tx hash, or `key`) and moves the invoice and the order on. `row` is the order as read under its lock. */
async function applyPayment(
  services: Deps,
  trx: DbOrTrx,
  row: OrderRow,
  payment: { txHash: string; amount: bigint; key?: string },
) {
  const now = services.clock.now()
  const orderId = row.id
  if (
    !(await repo.insertPayment(trx, {
      order_id: orderId,
      tx_hash: payment.key ?? payment.txHash,
      amount: payment.amount.toString(),
      seen_at: now,
    }))
  )
    return
  const asset = findAsset(row.chain as Chain, row.asset)!
  const due = BigInt(row.amount_due!)
  const received = BigInt(row.amount_received) + payment.amount
  const before = row.invoice_status as InvoiceStatus
  const after = afterPayment({ status: before, due, received, tolerance: tolerance(asset, due), confirmed: true })
  // A late payment in full is money the shop holds (the order stays failed): it counts as paid
  // and is credited, so the merchant can refund it.
  const paidLate = after === 'paid_late' && before !== 'paid_late'
  await repo.updateOrder(trx, orderId, {
    amount_received: received.toString(),
    invoice_status: after,
    updated_at: now,
    ...(paidLate ? { paid_at: now, tx_hash: payment.txHash } : {}),
  })
  const scope = { shopId: row.shop_id, livemode: row.livemode === 1 }
  const credit = () =>
    creditPayment(trx, scope, {
      currency: row.currency,
      sourceId: orderId,
      amountCents: Number(row.total_cents),
      at: now,
    })
  if (paidLate) await credit()
  if (!becamePaid(before, after)) return
  if (
    await repo.transitionOrder(trx, orderId, ['awaiting_payment'], {
      status: 'paid',
      paid_at: now,
      tx_hash: payment.txHash,
      updated_at: now,
    })
  ) {
    await credit()
    const { row: paid, lines, order } = await orderById(services, trx, orderId)
    await sellCounterReservations(trx, scope, lines, now)
    await recordEvent(trx, services.secretBox, { ...scope, type: 'order.paid', data: order, at: now })
    // A strategy that throws (a broken invariant) must not undo the payment, nor stall a chain
    // watcher's range on one order: its part is rolled back and the delivery job takes over,
    // retrying and recording the error on the line.
    const delivered = await inSavepoint(trx, 'deliver_with_payment', () =>
      deliverWithPayment(services, trx, paid, lines),
    ).catch(() => false)
    if (!delivered) await enqueue(trx, { kind: JOBS.deliver, ref: orderId, runAt: now })
  }
}
