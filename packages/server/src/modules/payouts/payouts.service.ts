// Payouts: the shop's money to an address of its own. Creating one checks and debits the balance
// in one transaction under the balance's lock (concurrent payouts can never overdraw), and
// commits the payout (the intent), `payout.queued` and its job together, before any provider is
// called. The job sends it and follows it (payouts.job.ts).
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { invalidFields, notFound, type FieldErrors } from '../../platform/errors.ts'
import { isId, newId } from '../../platform/ids.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { holdFunds, mainCurrency } from '../ledger/index.ts'
import { findAsset, isValidDestination, payoutProviderFor, quote } from '../payments/index.ts'
import type { PayoutsTable } from './payouts.table.ts'
import type { CreatePayoutBody, ListPayoutsQuery, Payout } from './payouts.schemas.ts'
import { toPayout } from './payouts.mappers.ts'
import * as repo from './payouts.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'db' | 'clock' | 'payouts' | 'secretBox'>

/** Job kind: ref = payout id; send the payout, then follow it until it is confirmed or fails. */
export const PAYOUT_JOB = 'payout.send' satisfies JobKind

export async function createPayout(services: Deps, ctx: RequestContext, body: CreatePayoutBody): Promise<Payout> {
  payoutProviderFor(services.payouts, ctx.auth.livemode, body.chain)
  const asset = findAsset(body.chain, body.asset)
  const errors: FieldErrors = {}
  if (!asset) errors.asset = [`is not available on ${body.chain}`]
  if (!isValidDestination(body.chain, body.destination_address, ctx.auth.livemode))
    errors.destination_address = [`is not a valid ${body.chain} address`]
  if (Object.keys(errors).length > 0) throw invalidFields(errors)

  return ctx.transact(async (trx) => {
    const now = services.clock.now()
    const currency = body.currency ?? (await mainCurrency(trx, ctx.auth))
    const amount = quote(body.amount_cents, currency, asset!)
    if (amount === null) throw invalidFields({ currency: [`${currency} cannot be converted to ${body.asset}`] })
    const id = newId('payout')
    await holdFunds(trx, ctx.auth, 'payout', { currency, sourceId: id, amountCents: body.amount_cents, at: now })
    const row: PayoutsTable = {
      id,
      shop_id: ctx.auth.shopId,
      livemode: ctx.auth.livemode ? 1 : 0,
      status: 'queued',
      amount_cents: body.amount_cents,
      currency,
      chain: body.chain,
      asset: body.asset,
      amount: amount.toString(),
      destination_address: body.destination_address,
      memo: body.memo ?? null,
      tx_hash: null,
      failure_reason: null,
      created_at: now,
      updated_at: now,
      broadcast_at: null,
      confirmed_at: null,
      failed_at: null,
    }
    await repo.insertPayout(trx, row)
    const payout = toPayout(row)
    await recordEvent(trx, services.secretBox, { ...ctx.auth, type: 'payout.queued', data: payout, at: now })
    await enqueue(trx, { kind: PAYOUT_JOB, ref: id, runAt: now })
    return payout
  })
}

export async function getPayout(services: Deps, ctx: RequestContext, id: string): Promise<Payout> {
  const row = isId('payout', id) ? await repo.findPayout(services.db, ctx.auth, id) : undefined
  if (!row) throw notFound('payout', id)
  return toPayout(row)
}

export async function listPayouts(services: Deps, ctx: RequestContext, query: ListPayoutsQuery) {
  const page = readPage(query, 'payouts', { status: query.status })
  return toList(await repo.listPayouts(services.db, ctx.auth, query.status, page.afterId, page.limit), page, toPayout)
}
