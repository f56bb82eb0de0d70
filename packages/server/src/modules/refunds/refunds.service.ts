// Refunds: creating one commits everything at once — the order's refunded_cents, the ledger hold
// (available → pending), the refund row and its job — under the order's lock and then the
// balance's, so concurrent refunds of one order can never add up to more than its total and a
// refund can never spend money the shop no longer holds. The job then sends the money.
import { getAddress } from 'viem'
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { newId } from '../../platform/ids.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { holdFunds } from '../ledger/index.ts'
import { addRefundedCents, findOwnOrder, holdsPayment, lockOwnOrder, type OrderRow } from '../orders/index.ts'
import { isValidDestination, payoutProviderFor, type Chain, type PayoutProvider } from '../payments/index.ts'
import { payerOf } from '../watcher/index.ts'
import type { RefundsTable } from './refunds.table.ts'
import type { CreateRefundBody, ListRefundsQuery, Refund } from './refunds.schemas.ts'
import { toRefund } from './refunds.mappers.ts'
import * as repo from './refunds.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'db' | 'clock' | 'payouts'>

/** Job kind: ref = refund id; send the refund, then follow it until it succeeds or fails. */
export const REFUND_JOB = 'refund.send' satisfies JobKind

export async function createRefund(
  services: Deps,
  ctx: RequestContext,
  orderId: string,
  body: CreateRefundBody,
): Promise<Refund> {
  return ctx.transact(async (trx) => {
    const now = services.clock.now()
    const order = await lockOwnOrder(trx, ctx.auth, orderId)
    const provider = payoutProviderFor(services.payouts, ctx.auth.livemode, order.chain)
    if (!holdsPayment(order))
      throw new AppError(
        'conflict',
        `Order ${orderId} is ${order.status} and was never paid; there is nothing to refund.`,
      )
    const total = Number(order.total_cents)
    const left = total - Number(order.refunded_cents)
    if (left <= 0)
      throw new AppError(
        'conflict',
        `Order ${orderId} has nothing left to refund: ${order.refunded_cents} of its ${total} cents are refunded or being refunded.`,
      )
    const amountCents = body.amount_cents ?? left
    if (amountCents > left)
      throw invalidFields({ amount_cents: [`must be at most ${left}: what is left to refund of the order's ${total}`] })
    // The buyer gets back the same share of what they paid, in the asset they paid in.
    const amount = (BigInt(order.amount_due!) * BigInt(amountCents)) / BigInt(total)
    if (amount === 0n) throw invalidFields({ amount_cents: [`is too small to send in ${order.asset}`] })

    const id = newId('refund')
    const row: RefundsTable = {
      id,
      shop_id: order.shop_id,
      livemode: order.livemode,
      order_id: order.id,
      status: 'processing',
      amount_cents: amountCents,
      currency: order.currency,
      reason: body.reason ?? 'other',
      note: body.note ?? null,
      chain: order.chain,
      asset: order.asset,
      amount: amount.toString(),
      destination_address: await destination(trx, order, body.destination_address, provider, ctx.auth.livemode),
      destination_tx: null,
      failure_reason: null,
      created_at: now,
      updated_at: now,
      broadcast_at: null,
      settled_at: null,
    }
    await addRefundedCents(trx, order.id, amountCents, now)
    await holdFunds(trx, ctx.auth, 'refund', { currency: order.currency, sourceId: id, amountCents, at: now })
    await repo.insertRefund(trx, row)
    await enqueue(trx, { kind: REFUND_JOB, ref: id, runAt: now })
    return toRefund(row)
  })
}

export async function listRefunds(services: Deps, ctx: RequestContext, orderId: string, query: ListRefundsQuery) {
  await findOwnOrder(services.db, ctx.auth, orderId)
  const page = readPage(query, 'refunds', { order: orderId })
  return toList(await repo.listRefunds(services.db, ctx.auth, orderId, page.afterId, page.limit), page, toRefund)
}

/**
 * Without an address the money goes back to the address that paid: the one the watcher recorded for
 * the order's first counted payment (a database read, so the transaction stays free of network
 * calls), else null for a provider that knows the payer itself.
 */
async function destination(
  trx: DbOrTrx,
  order: OrderRow,
  address: string | undefined,
  provider: PayoutProvider,
  livemode: boolean,
): Promise<string | null> {
  if (address === undefined) {
    const payer = livemode ? await payerOf(trx, order.id) : null
    if (payer !== null) return getAddress(payer)
    if (provider.refundsToPayer) return null
    throw invalidFields({
      destination_address: [
        'is required: no payment of this order was seen on chain, so the address that paid is not known',
      ],
    })
  }
  if (!isValidDestination(order.chain as Chain, address, livemode))
    throw invalidFields({ destination_address: [`is not a valid ${order.chain} address`] })
  return address
}
