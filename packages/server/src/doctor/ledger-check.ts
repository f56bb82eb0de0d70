// The ledger invariant: every balance recomputed two ways must agree. The ledger's sums on one
// side; on the other, what orders, refunds and payouts say should have happened:
//
//   available = paid orders − refunds (processing, succeeded) − payouts (queued, broadcast, confirmed)
//   pending   = refunds processing + payouts queued or broadcast
//
// plus: one payment entry per paid order, no balance below zero, and each order's refunded_cents
// and `refunded` status matching its refunds. Each module gives its figures through its door; this
// file only compares them, inside the caller's snapshot transaction.
import type { DbOrTrx } from '../db/database.ts'
import type { Difference } from './difference.ts'
import { balanceFigures } from '../modules/ledger/index.ts'
import { paidFigures, refundStateFigures } from '../modules/orders/index.ts'
import { refundFigures, refundsPerOrder } from '../modules/refunds/index.ts'
import { payoutFigures } from '../modules/payouts/index.ts'

export type LedgerReport = { balances: number; differences: Difference[] }

type Totals = {
  available: number
  pending: number
  payments: number
  expectedAvailable: number
  expectedPending: number
  paidOrders: number
}
type Account = { shopId: string; livemode: boolean; currency: string }

/** One line per difference, for `sx doctor` and failing tests. */
export async function ledgerReport(trx: DbOrTrx): Promise<LedgerReport> {
  const balances = await balanceDifferences(trx)
  return { balances: balances.checked, differences: [...balances.differences, ...(await orderDifferences(trx))] }
}

async function balanceDifferences(trx: DbOrTrx): Promise<{ checked: number; differences: Difference[] }> {
  const totals = new Map<string, Totals>()
  const at = ({ shopId, livemode, currency }: Account) => {
    const key = `${shopId} ${livemode ? 1 : 0} ${currency}`
    let entry = totals.get(key)
    if (!entry)
      totals.set(
        key,
        (entry = { available: 0, pending: 0, payments: 0, expectedAvailable: 0, expectedPending: 0, paidOrders: 0 }),
      )
    return entry
  }
  for (const b of await balanceFigures(trx)) {
    const t = at(b)
    t.available += b.available
    t.pending += b.pending
    t.payments += b.payments
  }
  for (const p of await paidFigures(trx)) {
    const t = at(p)
    t.expectedAvailable += p.cents
    t.paidOrders += p.orders
  }
  // Money on its way out is pending; money gone or on its way is no longer available.
  const outgoing = [
    [await refundFigures(trx), ['processing'], ['succeeded']],
    [await payoutFigures(trx), ['queued', 'broadcast'], ['confirmed']],
  ] as const
  for (const [figures, inFlight, done] of outgoing) {
    for (const f of figures) {
      const t = at(f)
      if ((inFlight as readonly string[]).includes(f.status)) {
        t.expectedPending += f.cents
        t.expectedAvailable -= f.cents
      } else if ((done as readonly string[]).includes(f.status)) {
        t.expectedAvailable -= f.cents
      }
    }
  }
  const differences: Difference[] = []
  for (const [key, t] of totals) {
    const [shopId, livemode, currency] = key.split(' ') as [string, string, string]
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected)
        differences.push({ shopId, livemode: livemode === '1', subject: currency, check, found, expected })
    }
    report('available_cents', t.available, t.expectedAvailable)
    report('pending_cents', t.pending, t.expectedPending)
    report('payment entries', t.payments, t.paidOrders)
    if (t.available < 0) report('available_cents (never negative)', t.available, 0)
    if (t.pending < 0) report('pending_cents (never negative)', t.pending, 0)
  }
  return { checked: totals.size, differences }
}

/** Each order's refunded_cents is its refunds that have not failed; `refunded` means refunds that succeeded cover it all. */
async function orderDifferences(trx: DbOrTrx): Promise<Difference[]> {
  const refunds = await refundsPerOrder(trx)
  const orders = await refundStateFigures(trx, [...refunds.keys()])
  const differences: Difference[] = []
  for (const order of orders) {
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected)
        differences.push({
          shopId: order.shopId,
          livemode: order.livemode,
          subject: order.orderId,
          check,
          found,
          expected,
        })
    }
    const r = refunds.get(order.orderId)
    report('refunded_cents', order.refundedCents, r?.open ?? 0)
    if (order.refundedCents > order.totalCents)
      report('refunded_cents (at most the total)', order.refundedCents, order.totalCents)
    report(
      'status refunded (1 = yes)',
      order.status === 'refunded' ? 1 : 0,
      (r?.succeeded ?? 0) === order.totalCents ? 1 : 0,
    )
  }
  return differences
}
