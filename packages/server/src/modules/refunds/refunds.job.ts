// The refund job: sends the refund through the payout provider (keyed by the refund id, so a
// repeated send after a crash finds the first transfer), records its transaction, then follows it
// until it succeeds (the money left: pending goes down; a refund that completes the order's total
// makes it `refunded`) or fails (the amount goes back to available and to what is left to refund).
import type { Services } from '../../services.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { releaseFunds, settleFunds } from '../ledger/index.ts'
import { addRefundedCents, lockOrderById, markRefundedIfCovered } from '../orders/index.ts'
import { stepTransfer } from '../payments/index.ts'
import type { RefundRow } from './refunds.table.ts'
import * as repo from './refunds.repository.ts'

export async function runRefund(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'payouts' | 'secretBox'>,
  refundId: string,
): Promise<JobOutcome> {
  const refund = await repo.findRefundById(services.db, refundId)
  if (!refund || refund.status !== 'processing') return
  const step = await stepTransfer(services.payouts, {
    reference: refund.id,
    livemode: refund.livemode === 1,
    chain: refund.chain,
    asset: refund.asset,
    amount: refund.amount,
    to: refund.destination_address,
    memo: null,
    txHash: refund.destination_tx,
  })
  const now = services.clock.now()
  const again = (error: string) => ({ retryAt: now + services.config.payouts.pollMs, error })
  switch (step.kind) {
    case 'wait':
      return again(step.reason)
    case 'broadcast':
      await repo.recordBroadcast(services.db, refund.id, step.txHash, now)
      return again('broadcast, waiting for confirmation')
    case 'confirmed':
      return finish(services, refund, { status: 'succeeded', destination_tx: step.txHash, failure_reason: null }, now)
    case 'failed':
      return finish(services, refund, { status: 'failed', failure_reason: step.reason.slice(0, 500) }, now)
  }
}

async function finish(
  services: Pick<Services, 'config' | 'db' | 'secretBox'>,
  refund: RefundRow,
  outcome: { status: 'succeeded' | 'failed'; destination_tx?: string; failure_reason: string | null },
  now: number,
): Promise<void> {
  await services.db.transaction().execute(async (trx) => {
    // The order's lock first, as when refunds are created: refunds of one order settle one at a time.
    const order = await lockOrderById(trx, refund.order_id)
    if (!(await repo.transitionRefund(trx, refund.id, 'processing', { ...outcome, settled_at: now, updated_at: now })))
      return
    const scope = { shopId: refund.shop_id, livemode: refund.livemode === 1 }
    const movement = {
      currency: refund.currency,
      sourceId: refund.id,
      amountCents: Number(refund.amount_cents),
      at: now,
    }
    if (outcome.status === 'succeeded') {
      await settleFunds(trx, scope, 'refund', movement)
      await markRefundedIfCovered(services, trx, order, await repo.succeededCents(trx, order.id), now)
    } else {
      await addRefundedCents(trx, order.id, -movement.amountCents, now)
      await releaseFunds(trx, scope, 'refund', movement)
    }
  })
}
