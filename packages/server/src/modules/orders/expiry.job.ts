// The expiry job (ref = order id): an order still unpaid at expires_at fails and gives its stock back.
import type { Services } from '../../services.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { catalogTransaction } from '../catalog/index.ts'
import * as repo from './orders.repository.ts'
import { orderById, releaseReservations } from './order-state.ts'

const HOLD_WHILE_CONFIRMING_MS = 60_000

export async function expireOrder(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>,
  orderId: string,
): Promise<JobOutcome> {
  const now = services.clock.now()
  const row = await repo.findOrderById(services.db, orderId)
  if (!row || (row.status !== 'pending' && row.status !== 'awaiting_payment')) return
  if (Number(row.expires_at) > now) return { retryAt: Number(row.expires_at), error: 'not due yet' }
  // A payment that covers the invoice was seen on chain before expiry and is confirming: the buyer paid
  // in time, so wait for it (a reorg that drops it sets the invoice back to new, and the order expires then).
  if (row.invoice_status === 'processing')
    return { retryAt: now + HOLD_WHILE_CONFIRMING_MS, error: 'payment confirming' }
  await catalogTransaction(services.db, async (trx) => {
    const expired = await repo.transitionOrder(trx, orderId, ['pending', 'awaiting_payment'], {
      status: 'failed',
      failure_reason: 'payment_expired',
      invoice_status: 'expired',
      updated_at: now,
    })
    if (!expired) return
    const scope = { shopId: row.shop_id, livemode: row.livemode === 1 }
    await releaseReservations(trx, scope, orderId, now)
    const { order } = await orderById(services, trx, orderId)
    await recordEvent(trx, services.secretBox, { ...scope, type: 'order.failed', data: order, at: now })
  })
}
