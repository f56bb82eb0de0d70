// The ledger invariant: every balance recomputed two ways must agree. The ledger's sums on one
// side; on the other, what the orders, refunds and payouts tables say should have happened:
//
//   available = paid orders − refunds (processing, succeeded) − payouts (queued, broadcast, confirmed)
//   pending   = refunds processing + payouts queued or broadcast
//
// plus: one payment entry per paid order, no balance below zero, and each order's refunded_cents
// and `refunded` status matching its refunds. `sx doctor` runs it over every shop, and so does the
// test harness after each test file. It reads one consistent snapshot.
import { sql } from 'kysely'
import type { Db, DbOrTrx } from '../../db/database.ts'

export type LedgerDifference = {
  shopId: string
  livemode: boolean
  /** The balance (`USD`) or the order (`ord_…`) that disagrees. */
  subject: string
  check: string
  found: number
  expected: number
}

type Totals = { available: number; pending: number; payments: number; expectedAvailable: number; expectedPending: number; paidOrders: number }

export type LedgerReport = { balances: number; differences: LedgerDifference[] }

export async function checkLedger(db: Db): Promise<LedgerReport> {
  // REPEATABLE READ: on PostgreSQL every query below sees the same snapshot, even while workers commit.
  // SQLite transactions here take the write lock, which is a snapshot too.
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const balances = await balanceDifferences(trx)
    return { balances: balances.checked, differences: [...balances.differences, ...(await orderDifferences(trx))] }
  })
}

/** One line per difference, for `sx doctor` and failing tests. */
export function describeDifference(d: LedgerDifference): string {
  return `${d.shopId} ${d.livemode ? 'live' : 'test'} ${d.subject}: ${d.check} is ${d.found}, expected ${d.expected}`
}

async function balanceDifferences(trx: DbOrTrx): Promise<{ checked: number; differences: LedgerDifference[] }> {
  const totals = new Map<string, Totals>()
  const at = (shopId: string, livemode: number, currency: string) => {
    const key = `${shopId} ${livemode} ${currency}`
    let entry = totals.get(key)
    if (!entry) totals.set(key, (entry = { available: 0, pending: 0, payments: 0, expectedAvailable: 0, expectedPending: 0, paidOrders: 0 }))
    return entry
  }
  const ledger = await trx.selectFrom('ledger_entries')
    .select(['shop_id', 'livemode', 'currency', 'bucket', sql<string>`sum(amount_cents)`.as('cents'), sql<string>`sum(case when kind = 'payment' then 1 else 0 end)`.as('payments')])
    .groupBy(['shop_id', 'livemode', 'currency', 'bucket']).execute()
  for (const row of ledger) {
    const t = at(row.shop_id, row.livemode, row.currency)
    if (row.bucket === 'available') t.available += Number(row.cents)
    else t.pending += Number(row.cents)
    t.payments += Number(row.payments)
  }
  const paid = await trx.selectFrom('orders')
    .select(['shop_id', 'livemode', 'currency', sql<string>`sum(total_cents)`.as('cents'), sql<string>`count(*)`.as('n')])
    .where('paid_at', 'is not', null).groupBy(['shop_id', 'livemode', 'currency']).execute()
  for (const row of paid) {
    const t = at(row.shop_id, row.livemode, row.currency)
    t.expectedAvailable += Number(row.cents)
    t.paidOrders += Number(row.n)
  }
  // Money on its way out is pending; money gone or on its way is no longer available.
  for (const [table, inFlight, done] of [['refunds', ['processing'], ['succeeded']], ['payouts', ['queued', 'broadcast'], ['confirmed']]] as const) {
    const rows = await trx.selectFrom(table)
      .select(['shop_id', 'livemode', 'currency', 'status', sql<string>`sum(amount_cents)`.as('cents')])
      .groupBy(['shop_id', 'livemode', 'currency', 'status']).execute()
    for (const row of rows) {
      const t = at(row.shop_id, row.livemode, row.currency)
      const cents = Number(row.cents)
      if ((inFlight as readonly string[]).includes(row.status)) {
        t.expectedPending += cents
        t.expectedAvailable -= cents
      } else if ((done as readonly string[]).includes(row.status)) {
        t.expectedAvailable -= cents
      }
    }
  }
  const differences: LedgerDifference[] = []
  for (const [key, t] of totals) {
    const [shopId, livemode, currency] = key.split(' ') as [string, string, string]
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected) differences.push({ shopId, livemode: livemode === '1', subject: currency, check, found, expected })
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
async function orderDifferences(trx: DbOrTrx): Promise<LedgerDifference[]> {
  const rows = await trx.selectFrom('orders')
    .leftJoin(
      (eb) => eb.selectFrom('refunds').select([
        'order_id',
        sql<string>`sum(case when status <> 'failed' then amount_cents else 0 end)`.as('open'),
        sql<string>`sum(case when status = 'succeeded' then amount_cents else 0 end)`.as('succeeded'),
      ]).groupBy('order_id').as('r'),
      (join) => join.onRef('r.order_id', '=', 'orders.id'),
    )
    .select(['orders.id', 'orders.shop_id', 'orders.livemode', 'orders.status', 'orders.total_cents', 'orders.refunded_cents', 'r.open', 'r.succeeded'])
    .where((eb) => eb.or([eb('orders.refunded_cents', '<>', 0), eb('orders.status', '=', 'refunded'), eb('r.order_id', 'is not', null)]))
    .execute()
  const differences: LedgerDifference[] = []
  for (const row of rows) {
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected) differences.push({ shopId: row.shop_id, livemode: row.livemode === 1, subject: row.id, check, found, expected })
    }
    const total = Number(row.total_cents)
    const refunded = Number(row.refunded_cents)
    report('refunded_cents', refunded, Number(row.open ?? 0))
    if (refunded > total) report('refunded_cents (at most the total)', refunded, total)
    report('status refunded (1 = yes)', row.status === 'refunded' ? 1 : 0, Number(row.succeeded ?? 0) === total ? 1 : 0)
  }
  return differences
}
