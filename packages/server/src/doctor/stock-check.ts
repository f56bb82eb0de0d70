// The stock invariant, counter stock's version of the ledger's: every counter recomputed from its
// movements must agree, and every order's movements must match its lines.
//
//   stock_counter (null = 0) = sum of the product's movements, and never below zero
//   per order line of a counter product (orders created since the product's first movement):
//     counter_reserved = 1  ⇔  one `reserved` movement of −qty
//     then none while unpaid, one `released` once it expired or its invoice failed, else one `sold`
//
// Catalog gives the counters and movements, orders the lines' states, through their doors; this
// file only compares them, inside the caller's snapshot transaction.
import type { DbOrTrx } from '../db/database.ts'
import type { Difference } from './difference.ts'
import { counterFigures, orderMovementFigures } from '../modules/catalog/index.ts'
import { counterLineFigures, orderCreatedAt, type CounterLineFigure } from '../modules/orders/index.ts'

export type StockReport = { counters: number; differences: Difference[] }

const UNPAID = new Set(['pending', 'awaiting_payment'])
/** Failures that give an unpaid order's stock back (orders' releaseReservations). */
const RELEASED_ON = new Set(['payment_expired', 'provider_unavailable'])

/** One line per difference, for `sx doctor` and failing tests. */
export async function stockReport(trx: DbOrTrx): Promise<StockReport> {
  const { counters, since, differences } = await counterDifferences(trx)
  return { counters, differences: [...differences, ...(await orderDifferences(trx, since))] }
}

async function counterDifferences(trx: DbOrTrx) {
  const figures = await counterFigures(trx)
  const differences: Difference[] = []
  /** When each product's movements begin: orders before that predate the audit (an upgraded database). */
  const since = new Map<string, number>()
  for (const f of figures) {
    if (f.since !== null) since.set(f.productId, f.since)
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected)
        differences.push({ shopId: f.shopId, livemode: f.livemode, subject: f.productId, check, found, expected })
    }
    report(
      f.counter === null ? 'stock_counter (unlimited, counts as 0)' : 'stock_counter',
      f.counter ?? 0,
      f.movementTotal,
    )
    if (f.counter !== null && f.counter < 0) report('stock_counter (never negative)', f.counter, 0)
  }
  return { counters: figures.filter((f) => f.counted).length, since, differences }
}

type LineKey = { shopId: string; livemode: boolean; orderId: string; productId: string }
type Moves = Record<string, { count: number; delta: number }>

async function orderDifferences(trx: DbOrTrx, since: Map<string, number>): Promise<Difference[]> {
  const movements = await orderMovementFigures(trx)
  const movedOrders = [...new Set(movements.map((m) => m.orderId))]
  const createdAt = await orderCreatedAt(trx, movedOrders)
  const lines = await counterLineFigures(trx, movedOrders)

  const audited = (productId: string, created: number) => since.has(productId) && created >= since.get(productId)!
  const byLine = new Map<string, { key: LineKey; moves: Moves; line?: CounterLineFigure }>()
  const entry = (key: LineKey) => {
    const id = `${key.orderId} ${key.productId}`
    let found = byLine.get(id)
    if (!found) byLine.set(id, (found = { key, moves: {} }))
    return found
  }
  for (const m of movements) {
    const created = createdAt.get(m.orderId)
    if (created === undefined || !audited(m.productId, created)) continue
    entry({ shopId: m.shopId, livemode: m.livemode, orderId: m.orderId, productId: m.productId }).moves[m.kind] = {
      count: m.count,
      delta: m.delta,
    }
  }
  for (const line of lines) {
    if (!audited(line.productId, line.createdAt)) continue
    entry({ shopId: line.shopId, livemode: line.livemode, orderId: line.orderId, productId: line.productId }).line =
      line
  }

  const differences: Difference[] = []
  for (const { key, moves, line } of byLine.values()) {
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected)
        differences.push({
          shopId: key.shopId,
          livemode: key.livemode,
          subject: `${key.orderId} ${key.productId}`,
          check,
          found,
          expected,
        })
    }
    const count = (kind: string) => moves[kind]?.count ?? 0
    if (!line) {
      report(
        'movements for a product not on the order',
        Object.values(moves).reduce((sum, m) => sum + m.count, 0),
        0,
      )
      continue
    }
    const reserved = line.counterReserved
    const closing =
      !reserved || UNPAID.has(line.status) ? null : RELEASED_ON.has(line.failureReason ?? '') ? 'released' : 'sold'
    report('reserved movements', count('reserved'), reserved ? 1 : 0)
    report('reserved units', -(moves.reserved?.delta ?? 0), reserved ? line.qty : 0)
    report('released movements', count('released'), closing === 'released' ? 1 : 0)
    report('sold movements', count('sold'), closing === 'sold' ? 1 : 0)
    // A release gives back the qty, or nothing when the counter had become unlimited.
    const released = moves.released?.delta ?? 0
    if (released !== 0) report('released units', released, line.qty)
  }
  return differences
}
