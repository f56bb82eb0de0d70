// Delivery: after payment, each line is delivered by its product type's strategy, and the order
// follows its lines (completed, waiting for fulfilment, or failed). When no line needs a network
// call, the payment's own transaction delivers (deliverWithPayment): the order leaves
// awaiting_payment once, under its lock, so that runs once, and a crash before the commit leaves
// neither payment nor delivery. Otherwise the delivery job does it: a crash at any point leaves the
// job queued; running it again skips lines already delivered and takes the same pool items, so
// nothing is delivered twice or lost.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { STRATEGIES, type DeliveryDeps, type LineToDeliver, type Settled } from '../delivery/index.ts'
import type { ProductType } from '../catalog/index.ts'
import * as repo from './orders.repository.ts'
import type { OrderLineRow, OrderRow } from './orders.table.ts'
import { completeIfDelivered, subscriptionPeriodEnd } from './order-state.ts'

/**
 * Delivers the order `paid` (read in `trx` after it became paid) in that same transaction, unless
 * a line needs its strategy's `fetch` (a network call, which never runs inside a transaction).
 * Returns false then, leaving everything to the delivery job. No claim is needed: the order was
 * awaiting payment until this transaction, so no job can be delivering it.
 */
export async function deliverWithPayment(
  services: Pick<Services, 'clock' | 'config' | 'secretBox'>,
  trx: DbOrTrx,
  paid: OrderRow,
  lines: OrderLineRow[],
): Promise<boolean> {
  const pending = lines.filter((line) => line.delivery_state === 'pending')
  if (pending.some((line) => STRATEGIES[line.product_type as ProductType].fetch)) return false
  const renewedPeriodEnd = paid.renews_order_id
    ? await subscriptionPeriodEnd(trx, services.secretBox, paid.renews_order_id)
    : null
  const now = services.clock.now()
  const settledLines = []
  for (const line of lines) {
    if (line.delivery_state !== 'pending') {
      settledLines.push(line)
      continue
    }
    const target = toDeliver(paid, line, renewedPeriodEnd)
    const settled = await STRATEGIES[line.product_type as ProductType].settle(trx, services, target, undefined)
    const patch = { ...settledPatch(services, settled, now), attempts: 1 }
    await repo.updateLine(trx, paid.id, target.line, patch)
    settledLines.push({ ...line, ...patch })
  }
  await completeIfDelivered(services, trx, paid.id, now, { row: paid, lines: settledLines })
  return true
}

export async function runDelivery(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'outbound' | 'secretBox'>,
  orderId: string,
): Promise<JobOutcome> {
  const row = await repo.findOrderById(services.db, orderId)
  if (!row || (row.status !== 'paid' && row.status !== 'delivering')) return
  const pending = (await repo.findLines(services.db, [orderId])).filter((line) => line.delivery_state === 'pending')
  if (pending.length > 0)
    await repo.transitionOrder(services.db, orderId, ['paid'], {
      status: 'delivering',
      updated_at: services.clock.now(),
    })

  const deps: DeliveryDeps = {
    config: services.config,
    db: services.db,
    dialect: services.dialect,
    clock: services.clock,
    secretBox: services.secretBox,
    outbound: services.outbound,
  }
  let retry: { at: number; error: string } | null = null
  for (const line of pending) {
    const strategy = STRATEGIES[line.product_type as ProductType]
    const renewedPeriodEnd = row.renews_order_id
      ? await subscriptionPeriodEnd(services.db, services.secretBox, row.renews_order_id)
      : null
    const target = toDeliver(row, line, renewedPeriodEnd)
    const fetched = strategy.fetch ? await strategy.fetch(deps, target) : undefined
    if (fetched && !fetched.ok) {
      const next = await recordFailedAttempt(services, line, fetched.reason)
      if (next !== null && (retry === null || next < retry.at)) retry = { at: next, error: fetched.reason }
      continue
    }
    await services.db.transaction().execute(async (trx) => {
      // Claim the line first: if another worker delivered it meanwhile, this one changes nothing.
      if (!(await repo.claimPendingLine(trx, orderId, line.line, line.attempts + 1))) return
      const settled = await strategy.settle(trx, deps, target, fetched)
      const now = services.clock.now()
      await repo.updateLine(trx, orderId, line.line, settledPatch(services, settled, now))
      // The order follows its lines in the same commit: no reader sees the last line settled
      // while the order still says `delivering`.
      await completeIfDelivered(services, trx, orderId, now)
    })
  }
  await services.db.transaction().execute((trx) => completeIfDelivered(services, trx, orderId, services.clock.now()))
  return retry ? { retryAt: retry.at, error: retry.error } : undefined
}

/** The line as its strategy settled it. */
function settledPatch(services: Pick<Services, 'secretBox'>, settled: Settled, now: number) {
  return settled.state === 'delivered'
    ? {
        delivery_state: 'delivered',
        delivered: services.secretBox.seal(JSON.stringify(settled.delivered)),
        delivered_at: now,
        last_error: null,
      }
    : { delivery_state: 'awaiting_fulfilment' }
}

/** Counts a failed attempt; returns when to try again, or null once the line has failed for good. */
async function recordFailedAttempt(
  services: Pick<Services, 'clock' | 'config' | 'db'>,
  line: OrderLineRow,
  reason: string,
): Promise<number | null> {
  const delays = services.config.delivery.dynamicRetryDelaysSeconds
  const attempts = Number(line.attempts) + 1
  const exhausted = attempts > delays.length
  await repo.updateLine(services.db, line.order_id, line.line, {
    attempts,
    last_error: reason.slice(0, 500),
    delivery_state: exhausted ? 'failed' : 'pending',
  })
  return exhausted ? null : services.clock.now() + delays[attempts - 1]! * 1000
}

function toDeliver(row: OrderRow, line: OrderLineRow, renewedPeriodEnd: number | null): LineToDeliver {
  return {
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    orderId: row.id,
    line: Number(line.line),
    productId: line.product_id,
    productType: line.product_type,
    qty: Number(line.qty),
    customerEmail: row.customer_email,
    paidAt: Number(row.paid_at),
    renewedPeriodEnd,
  }
}
