// The stock invariant, counter stock's version of the ledger's: every counter recomputed from its
// movements must agree, and every order's movements must match its lines.
//
//   stock_counter (null = 0) = sum of the product's movements, and never below zero
//   per order line of a counter product (orders created since the product's first movement):
//     counter_reserved = 1  ⇔  one `reserved` movement of −qty
//     then none while unpaid, one `released` once it expired or its invoice failed, else one `sold`
//
// `sx doctor` runs it over every shop, and so does the test harness when a test environment
// closes. Like the ledger's invariant it reads the orders tables directly (and writes nothing),
// in one consistent snapshot.
import { sql } from 'kysely'
import type { Db, DbOrTrx } from '../../db/database.ts'
import { POOL_TYPES } from './catalog.schemas.ts'

export type StockDifference = {
  shopId: string
  livemode: boolean
  /** The product (`prod_…`) or the order line (`ord_… prod_…`) that disagrees. */
  subject: string
  check: string
  found: number
  expected: number
}

export type StockReport = { counters: number; differences: StockDifference[] }

const POOLS = [...POOL_TYPES]
const UNPAID = new Set(['pending', 'awaiting_payment'])
/** Failures that give an unpaid order's stock back (orders.service.ts releaseReservations). */
const RELEASED_ON = new Set(['payment_expired', 'provider_unavailable'])

export async function checkStock(db: Db): Promise<StockReport> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const { counters, since, differences } = await counterDifferences(trx)
    return { counters, differences: [...differences, ...(await orderDifferences(trx, since))] }
  })
}

/** One line per difference, for `sx doctor` and failing tests. */
export function describeStockDifference(d: StockDifference): string {
  return `${d.shopId} ${d.livemode ? 'live' : 'test'} ${d.subject}: ${d.check} is ${d.found}, expected ${d.expected}`
}

async function counterDifferences(trx: DbOrTrx) {
  const rows = await trx.selectFrom('products')
    .leftJoin(
      (eb) => eb.selectFrom('stock_movements')
        .select(['product_id', sql<string>`sum(delta)`.as('total'), sql<string>`min(created_at)`.as('since')])
        .groupBy('product_id').as('m'),
      (join) => join.onRef('m.product_id', '=', 'products.id'),
    )
    .select(['products.id', 'products.shop_id', 'products.livemode', 'products.type', 'products.stock_counter', 'm.total', 'm.since'])
    .where((eb) => eb.or([eb('products.type', 'not in', POOLS), eb('m.product_id', 'is not', null)]))
    .execute()
  const differences: StockDifference[] = []
  /** When each product's movements begin: orders before that predate the audit (an upgraded database). */
  const since = new Map<string, number>()
  for (const row of rows) {
    if (row.since !== null) since.set(row.id, Number(row.since))
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected) differences.push({ shopId: row.shop_id, livemode: row.livemode === 1, subject: row.id, check, found, expected })
    }
    const counter = row.stock_counter === null ? null : Number(row.stock_counter)
    report(counter === null ? 'stock_counter (unlimited, counts as 0)' : 'stock_counter', counter ?? 0, Number(row.total ?? 0))
    if (counter !== null && counter < 0) report('stock_counter (never negative)', counter, 0)
  }
  return { counters: rows.filter((r) => !POOL_TYPES.has(r.type)).length, since, differences }
}

type LineKey = { shopId: string; livemode: boolean; orderId: string; productId: string }
type Moves = Record<string, { count: number; delta: number }>

async function orderDifferences(trx: DbOrTrx, since: Map<string, number>): Promise<StockDifference[]> {
  const movements = await trx.selectFrom('stock_movements')
    .innerJoin('orders', 'orders.id', 'stock_movements.order_id')
    .select(['stock_movements.order_id', 'stock_movements.product_id', 'stock_movements.kind', 'orders.shop_id', 'orders.livemode', 'orders.created_at',
      sql<string>`count(*)`.as('n'), sql<string>`sum(stock_movements.delta)`.as('delta')])
    .groupBy(['stock_movements.order_id', 'stock_movements.product_id', 'stock_movements.kind', 'orders.shop_id', 'orders.livemode', 'orders.created_at'])
    .execute()
  const lines = await trx.selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['order_lines.order_id', 'order_lines.product_id', 'order_lines.qty', 'order_lines.counter_reserved', 'orders.shop_id', 'orders.livemode',
      'orders.status', 'orders.failure_reason', 'orders.created_at'])
    .where('order_lines.product_type', 'not in', POOLS)
    .where((eb) => eb.or([
      eb('order_lines.counter_reserved', '=', 1),
      eb('order_lines.order_id', 'in', eb.selectFrom('stock_movements').select('order_id').where('order_id', 'is not', null)),
    ]))
    .execute()

  const audited = (productId: string, createdAt: number) => since.has(productId) && createdAt >= since.get(productId)!
  const byLine = new Map<string, { key: LineKey; moves: Moves; line?: (typeof lines)[number] }>()
  const entry = (key: LineKey) => {
    const id = `${key.orderId} ${key.productId}`
    let found = byLine.get(id)
    if (!found) byLine.set(id, (found = { key, moves: {} }))
    return found
  }
  for (const m of movements) {
    if (!audited(m.product_id, Number(m.created_at))) continue
    entry({ shopId: m.shop_id, livemode: m.livemode === 1, orderId: m.order_id!, productId: m.product_id }).moves[m.kind] = { count: Number(m.n), delta: Number(m.delta) }
  }
  for (const line of lines) {
    if (!audited(line.product_id, Number(line.created_at))) continue
    entry({ shopId: line.shop_id, livemode: line.livemode === 1, orderId: line.order_id, productId: line.product_id }).line = line
  }

  const differences: StockDifference[] = []
  for (const { key, moves, line } of byLine.values()) {
    const report = (check: string, found: number, expected: number) => {
      if (found !== expected) differences.push({ shopId: key.shopId, livemode: key.livemode, subject: `${key.orderId} ${key.productId}`, check, found, expected })
    }
    const count = (kind: string) => moves[kind]?.count ?? 0
    if (!line) {
      report('movements for a product not on the order', Object.values(moves).reduce((sum, m) => sum + m.count, 0), 0)
      continue
    }
    const reserved = line.counter_reserved === 1
    const qty = Number(line.qty)
    const closing = !reserved || UNPAID.has(line.status) ? null : RELEASED_ON.has(line.failure_reason ?? '') ? 'released' : 'sold'
    report('reserved movements', count('reserved'), reserved ? 1 : 0)
    report('reserved units', -(moves.reserved?.delta ?? 0), reserved ? qty : 0)
    report('released movements', count('released'), closing === 'released' ? 1 : 0)
    report('sold movements', count('sold'), closing === 'sold' ? 1 : 0)
    // A release gives back the qty, or nothing when the counter had become unlimited.
    const released = moves.released?.delta ?? 0
    if (released !== 0) report('released units', released, qty)
  }
  return differences
}
