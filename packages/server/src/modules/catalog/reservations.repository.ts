// Checkout takes pool items and gives them back here (counters: counters.ts). Every function runs
// inside the caller's transaction and uses conditional UPDATEs only, so it is correct on both
// dialects without SELECT … FOR UPDATE (on PostgreSQL, SKIP LOCKED lets concurrent buyers pass
// over items another checkout is taking). Items are taken oldest first, read from the partial
// index of available items (migration 0008), so sold items cost a checkout nothing. Taking and
// giving back change the stock readers see (noted for the catalog version); selling a reserved
// item and refunding do not.
import { sql } from 'kysely'
import type { DbOrTrx, Dialect } from '../../db/database.ts'
import { noteCatalogChange } from './versions.repository.ts'

type Scope = { shopId: string; livemode: boolean }

/**
 * `status = 'available'` as a literal: the exact predicate of the partial index
 * `stock_items_available` (migration 0008). Compared with a bound parameter instead, SQLite never
 * uses a partial index and PostgreSQL's generic plans cannot; every query for items on sale uses this.
 */
export const AVAILABLE = sql.lit('available')

/** The product's items on sale; with `.orderBy` on created_at, id it reads the partial index in take order. */
export function availableItems(db: DbOrTrx, productId: string) {
  return db.selectFrom('stock_items').where('product_id', '=', productId).where('status', '=', AVAILABLE)
}

/** The `qty` oldest available items of the product (PostgreSQL: locked, passing over items another checkout holds). */
function pickAvailableItems(db: DbOrTrx, dialect: Dialect, productId: string, qty: number) {
  const pick = availableItems(db, productId).select('id').orderBy('created_at').orderBy('id').limit(qty)
  return dialect === 'postgres' ? pick.forUpdate().skipLocked() : pick
}

/** The reservation as one statement: marks up to `qty` of the oldest available items the order's. */
export function reservePoolItemsQuery(db: DbOrTrx, dialect: Dialect, productId: string, orderId: string, qty: number) {
  return db
    .updateTable('stock_items')
    .set({ status: 'reserved', order_id: orderId })
    .where('id', 'in', pickAvailableItems(db, dialect, productId, qty))
    .where('status', '=', AVAILABLE)
}

/** Reserves `qty` available pool items for the order, oldest first; returns how many it got (all or the caller rolls back). */
export async function reservePoolItems(
  db: DbOrTrx,
  dialect: Dialect,
  scope: Scope,
  productId: string,
  orderId: string,
  qty: number,
): Promise<number> {
  const result = await reservePoolItemsQuery(db, dialect, productId, orderId, qty).executeTakeFirst()
  if (result.numUpdatedRows > 0n) await noteCatalogChange(db, scope)
  return Number(result.numUpdatedRows)
}

/** Puts an unpaid order's reserved pool items back on sale. Sold items never return. */
export async function releasePoolItems(db: DbOrTrx, scope: Scope, orderId: string): Promise<void> {
  const result = await db
    .updateTable('stock_items')
    .set({ status: 'available', order_id: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .executeTakeFirst()
  if (result.numUpdatedRows > 0n) await noteCatalogChange(db, scope)
}

/**
 * Marks the order's items of one product sold and returns their values, oldest first, still sealed
 * (the caller opens them with the secret box). Running it again returns the same values: an item
 * belongs to the order that reserved it, for ever.
 */
export async function sellPoolItems(db: DbOrTrx, orderId: string, productId: string): Promise<string[]> {
  await db
    .updateTable('stock_items')
    .set({ status: 'sold' })
    .where('order_id', '=', orderId)
    .where('product_id', '=', productId)
    .where('status', '=', 'reserved')
    .execute()
  const rows = await db
    .selectFrom('stock_items')
    .select('value')
    .where('order_id', '=', orderId)
    .where('product_id', '=', productId)
    .where('status', '=', 'sold')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => row.value)
}

/**
 * A fully refunded order's items (reserved or sold) become `refunded`: never back on sale and
 * never delivered again. The pool's available count does not change, so the catalog version stays.
 */
export async function refundPoolItems(db: DbOrTrx, orderId: string): Promise<void> {
  await db
    .updateTable('stock_items')
    .set({ status: 'refunded' })
    .where('order_id', '=', orderId)
    .where('status', 'in', ['reserved', 'sold'])
    .execute()
}
