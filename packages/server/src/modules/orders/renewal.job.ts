// The renewal job (ref = order id of the current period): before a period ends, a new order for
// the same buyer and product is created with its own invoice and emailed. Paying it extends the
// subscription from the end of the current period.
import type { Services } from '../../services.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { AppError } from '../../platform/errors.ts'
import * as repo from './orders.repository.ts'
import { createRenewalOrder } from './checkout.service.ts'
import { subscriptionPeriodEnd } from './order-state.ts'

export async function renewSubscription(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'jobs' | 'payments' | 'secretBox'>,
  orderId: string,
): Promise<JobOutcome> {
  const row = await repo.findOrderById(services.db, orderId)
  if (!row || row.status !== 'completed') return
  if (await repo.hasRenewal(services.db, orderId)) return
  const line = (await repo.findLines(services.db, [orderId])).find((l) => l.product_type === 'subscription')
  const periodEnd = await subscriptionPeriodEnd(services.db, services.secretBox, orderId)
  if (!line || periodEnd === null) return
  try {
    await createRenewalOrder(
      services,
      { shopId: row.shop_id, livemode: row.livemode === 1 },
      {
        customer_email: row.customer_email,
        items: [{ product_id: line.product_id, qty: 1 }],
        chain: row.chain as never,
        asset: row.asset,
      },
      { renewsOrderId: orderId, expiresAt: periodEnd },
    )
  } catch (error) {
    // The product was archived or sold out: no renewal to offer; anything else is retried.
    if (error instanceof AppError && error.status < 500) return
    throw error
  }
}
