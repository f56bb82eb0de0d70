// The payout job, one step per run (research/crypto.md §6.2, never paid twice): a queued payout is
// sent through the provider keyed by the payout id — a send repeated after a crash finds the
// transfer already made — and its tx_hash recorded (`broadcast`); from then on the provider is
// only asked where it stands, until it is `confirmed` (the money left: pending goes down) or
// `failed` (the amount is back in available). Each step re-reads the payout and is recorded by a
// conditional update with its event, so a step can never be recorded twice.
import type { Updateable } from 'kysely'
import type { Services } from '../../services.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { recordEvent, type EventTypeOf } from '../../platform/outbox/outbox.ts'
import { releaseFunds, settleFunds } from '../ledger/index.ts'
import { stepTransfer } from '../payments/index.ts'
import type { PayoutRow, PayoutsTable } from './payouts.table.ts'
import { toPayout } from './payouts.mappers.ts'
import * as repo from './payouts.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'payouts' | 'secretBox'>

export async function runPayout(services: Deps, payoutId: string): Promise<JobOutcome> {
  const payout = await repo.findPayoutById(services.db, payoutId)
  if (!payout || payout.status === 'confirmed' || payout.status === 'failed') return
  const step = await stepTransfer(services.payouts, {
    reference: payout.id,
    livemode: payout.livemode === 1,
    chain: payout.chain,
    asset: payout.asset,
    amount: payout.amount,
    to: payout.destination_address,
    memo: payout.memo,
    txHash: payout.tx_hash,
  })
  const now = services.clock.now()
  const again = (error: string) => ({ retryAt: now + services.config.payouts.pollMs, error })
  switch (step.kind) {
    case 'wait':
      return again(step.reason)
    case 'broadcast':
      await record(
        services,
        payout,
        ['queued'],
        { status: 'broadcast', tx_hash: step.txHash, broadcast_at: now },
        'payout.broadcast',
        now,
      )
      return again('broadcast, waiting for confirmation')
    case 'confirmed':
      await record(services, payout, ['broadcast'], { status: 'confirmed', confirmed_at: now }, 'payout.confirmed', now)
      return
    case 'failed':
      await record(
        services,
        payout,
        ['queued', 'broadcast'],
        { status: 'failed', failure_reason: step.reason.slice(0, 500), failed_at: now },
        'payout.failed',
        now,
      )
      return
  }
}

/** Moves the payout on (if it is still where this run found it), with its ledger entries and event. */
async function record(
  services: Deps,
  payout: PayoutRow,
  from: string[],
  patch: Updateable<PayoutsTable>,
  event: EventTypeOf<'payout'>,
  now: number,
): Promise<void> {
  await services.db.transaction().execute(async (trx) => {
    if (!(await repo.transitionPayout(trx, payout.id, from, { ...patch, updated_at: now }))) return
    const scope = { shopId: payout.shop_id, livemode: payout.livemode === 1 }
    const movement = {
      currency: payout.currency,
      sourceId: payout.id,
      amountCents: Number(payout.amount_cents),
      at: now,
    }
    if (patch.status === 'confirmed') await settleFunds(trx, scope, 'payout', movement)
    if (patch.status === 'failed') await releaseFunds(trx, scope, 'payout', movement)
    const updated = (await repo.findPayoutById(trx, payout.id))!
    await recordEvent(trx, services.secretBox, { ...scope, type: event, data: toPayout(updated), at: now })
  })
}
