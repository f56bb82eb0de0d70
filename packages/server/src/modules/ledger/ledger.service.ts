// Money movements as ledger entries, and balances as sums of them. Every movement is written in
// the caller's transaction, next to the state change it accounts for (an order paid, a refund or
// payout created, sent or failed), so the ledger and those tables commit together or not at all.
//
//   payment          available +X
//   hold    (kind)   available −X, pending +X      a refund or payout is created
//   settle  (kind)   pending −X                     it reached the chain: the money left
//   release (kind)   pending −X, available +X       it failed: the money is back
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { invalidFields } from '../../platform/errors.ts'
import * as repo from './ledger.repository.ts'
import type { Balance, BalanceQuery } from './ledger.schemas.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'db'>

type Scope = { shopId: string; livemode: boolean }
/** What moves: `sourceId` is the order, refund or payout it belongs to. */
export type Movement = { currency: string; sourceId: string; amountCents: number; at: number }
export type TransferKind = 'refund' | 'payout'

/** A paid order's total enters the available balance; the ledger's unique key makes a second credit of one order fail. */
export async function creditPayment(trx: DbOrTrx, scope: Scope, m: Movement): Promise<void> {
  await repo.ensureAccount(trx, scope, m.currency, m.at)
  await repo.insertEntries(trx, scope, [{ ...m, bucket: 'available', kind: 'payment' }])
}

/**
 * Moves the amount of a new refund or payout from available to pending, under the account's lock:
 * concurrent debits check and spend one at a time, so the balance can never go below zero.
 * Short of funds: a 422 on `amount_cents`, and the caller's transaction rolls back.
 */
export async function holdFunds(trx: DbOrTrx, scope: Scope, kind: TransferKind, m: Movement): Promise<void> {
  await repo.lockAccount(trx, scope, m.currency, m.at)
  const available =
    (await repo.sumBuckets(trx, scope, m.currency)).find((row) => row.bucket === 'available')?.cents ?? 0
  if (m.amountCents > available) {
    throw invalidFields({ amount_cents: [`exceeds the available ${m.currency} balance of ${available} cents`] })
  }
  await repo.insertEntries(trx, scope, [
    { ...m, bucket: 'available', kind, amountCents: -m.amountCents },
    { ...m, bucket: 'pending', kind, amountCents: m.amountCents },
  ])
}

/** The refund or payout reached its destination: it leaves pending for good. */
export async function settleFunds(trx: DbOrTrx, scope: Scope, kind: TransferKind, m: Movement): Promise<void> {
  await repo.insertEntries(trx, scope, [{ ...m, bucket: 'pending', kind: `${kind}_sent`, amountCents: -m.amountCents }])
}

/** The refund or payout failed: its amount goes back to available. */
export async function releaseFunds(trx: DbOrTrx, scope: Scope, kind: TransferKind, m: Movement): Promise<void> {
  await repo.insertEntries(trx, scope, [
    { ...m, bucket: 'pending', kind: `${kind}_reversed`, amountCents: -m.amountCents },
    { ...m, bucket: 'available', kind: `${kind}_reversed`, amountCents: m.amountCents },
  ])
}

/** Before a shop has received any money, its balance is shown in this currency. */
const FALLBACK_CURRENCY = 'USD'

/** The currency a shop's balance is shown in by default: the first it received money in. */
export async function mainCurrency(db: DbOrTrx, scope: Scope): Promise<string> {
  return (await repo.listAccounts(db, scope))[0]?.currency ?? FALLBACK_CURRENCY
}

/** GET /v1/balance: one currency at the top (the main one, or `?currency=`), every currency in `balances`. */
export async function getBalance(services: Deps, ctx: RequestContext, query: BalanceQuery): Promise<Balance> {
  const [accounts, sums] = await Promise.all([
    repo.listAccounts(services.db, ctx.auth),
    repo.sumBuckets(services.db, ctx.auth),
  ])
  const of = (currency: string) => {
    const cents = (bucket: string) => sums.find((row) => row.currency === currency && row.bucket === bucket)?.cents ?? 0
    return { currency, available_cents: cents('available'), pending_cents: cents('pending') }
  }
  const currency = query.currency ?? accounts[0]?.currency ?? FALLBACK_CURRENCY
  return { ...of(currency), livemode: ctx.auth.livemode, balances: accounts.map((account) => of(account.currency)) }
}
