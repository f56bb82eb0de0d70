// Counter stock (physical, subscription, file_download, dynamic). Every change of a product's
// `stock_counter` goes through this file and records its `stock_movements` row in the same
// transaction, so a counter is always the sum of its movements (`sx doctor`, `src/doctor/stock-check.ts`, checks it).
// Unlimited (null) counts as 0: no movements while a counter is null; setting it to null records
// `unlimited` (minus what it held), setting a number records `set` (the change from before).
// The product row is the lock: every write is a conditional UPDATE of it (PostgreSQL re-checks the
// condition on the row as the write before it committed it), and what a refusal reports is read
// after that UPDATE. A change a reader sees is noted for the catalog version, which moves at the
// end of the transaction (versions.repository.ts).
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'
import { noteCatalogChange } from './versions.repository.ts'

type Scope = { shopId: string; livemode: boolean }
export type MovementKind = 'set' | 'unlimited' | 'reserved' | 'released' | 'sold'
/** One order's change of one product's counter. */
export type OrderStockChange = { productId: string; orderId: string; qty: number; at: number }
/** What a failed take found: how many were left (null: the counter became unlimited). */
export type TakeResult = { taken: true } | { taken: false; left: number | null }

const TAKE_ATTEMPTS = 3

async function recordMovement(
  db: DbOrTrx,
  scope: Scope,
  m: { productId: string; kind: MovementKind; delta: number; orderId: string | null; at: number },
): Promise<void> {
  await db
    .insertInto('stock_movements')
    .values({
      id: newId('stockMovement'),
      shop_id: scope.shopId,
      livemode: scope.livemode ? 1 : 0,
      product_id: m.productId,
      kind: m.kind,
      delta: m.delta,
      order_id: m.orderId,
      created_at: m.at,
    })
    .execute()
}

function productRow(db: DbOrTrx, scope: Scope, productId: string) {
  return db
    .updateTable('products')
    .where('id', '=', productId)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
}

async function readCounter(db: DbOrTrx, scope: Scope, productId: string): Promise<number | null> {
  const row = await db
    .selectFrom('products')
    .select('stock_counter')
    .where('id', '=', productId)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .executeTakeFirstOrThrow()
  return row.stock_counter === null ? null : Number(row.stock_counter)
}

/** A product just inserted with `stock_counter = value` (create, demo seed): its opening movement. */
export async function recordOpeningStock(
  db: DbOrTrx,
  scope: Scope,
  productId: string,
  value: number | null,
  at: number,
): Promise<void> {
  if (value !== null) await recordMovement(db, scope, { productId, kind: 'set', delta: value, orderId: null, at })
}

/** The merchant sets the counter (null: unlimited). Nothing is recorded when it already holds that value. */
export async function setCounterStock(
  db: DbOrTrx,
  scope: Scope,
  productId: string,
  value: number | null,
  at: number,
): Promise<void> {
  // Compare-and-set on the value read, so the recorded change is exactly the one made.
  for (;;) {
    const before = await readCounter(db, scope, productId)
    if (before === value) return
    const result = await productRow(db, scope, productId)
      .set({ stock_counter: value })
      .where('stock_counter', before === null ? 'is' : '=', before)
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) continue
    await recordMovement(db, scope, {
      productId,
      kind: value === null ? 'unlimited' : 'set',
      delta: (value ?? 0) - (before ?? 0),
      orderId: null,
      at,
    })
    await noteCatalogChange(db, scope)
    return
  }
}

/**
 * Takes `qty` off the counter for the order, only if that many are left. On a refusal it reports
 * what is really left, read after the UPDATE under the catalog lock (never the product as read
 * before it), or null when the counter has become unlimited meanwhile (nothing is taken then).
 */
export async function takeCounterStock(db: DbOrTrx, scope: Scope, change: OrderStockChange): Promise<TakeResult> {
  let left: number | null = null
  for (let attempt = 1; attempt <= TAKE_ATTEMPTS; attempt++) {
    const result = await productRow(db, scope, change.productId)
      .set((eb) => ({ stock_counter: eb('stock_counter', '-', change.qty) }))
      .where('stock_counter', '>=', change.qty)
      .executeTakeFirst()
    if (result.numUpdatedRows > 0n) {
      await recordMovement(db, scope, {
        productId: change.productId,
        kind: 'reserved',
        delta: -change.qty,
        orderId: change.orderId,
        at: change.at,
      })
      await noteCatalogChange(db, scope)
      return { taken: true }
    }
    left = await readCounter(db, scope, change.productId)
    if (left === null || left < change.qty) break
  }
  return { taken: false, left }
}

/** Gives an unpaid order's units back (a counter that became unlimited meanwhile stays so: delta 0). */
export async function returnCounterStock(db: DbOrTrx, scope: Scope, change: OrderStockChange): Promise<void> {
  const result = await productRow(db, scope, change.productId)
    .set((eb) => ({ stock_counter: eb('stock_counter', '+', change.qty) }))
    .where('stock_counter', 'is not', null)
    .executeTakeFirst()
  const delta = result.numUpdatedRows > 0n ? change.qty : 0
  await recordMovement(db, scope, {
    productId: change.productId,
    kind: 'released',
    delta,
    orderId: change.orderId,
    at: change.at,
  })
  if (delta > 0) await noteCatalogChange(db, scope)
}

/** The order was paid: its reserved units are sold for good (the counter does not move again). */
export async function recordCounterSold(
  db: DbOrTrx,
  scope: Scope,
  change: Omit<OrderStockChange, 'qty'>,
): Promise<void> {
  await recordMovement(db, scope, {
    productId: change.productId,
    kind: 'sold',
    delta: 0,
    orderId: change.orderId,
    at: change.at,
  })
}
