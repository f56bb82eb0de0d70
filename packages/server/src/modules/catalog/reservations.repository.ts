// Checkout takes pool items and gives them back here (counters: counters.ts). Every function runs
// inside the caller's transaction and uses conditional UPDATEs only, so it is correct on both
// dialects without SELECT … FOR UPDATE (on PostgreSQL, SKIP LOCKED lets concurrent buyers pass
// over items another checkout is taking).
import type { DbOrTrx, Dialect } from '../../db/database.ts'
import { bumpCatalogVersion } from './catalog.repository.ts'

type Scope = { shopId: string; livemode: boolean }

/** Reserves `qty` available pool items for the order; returns how many it got (all or the caller rolls back). */
export async function reservePoolItems(
  db: DbOrTrx,
  dialect: Dialect,
  scope: Scope,
  productId: string,
  orderId: string,
  qty: number,
): Promise<number> {
  await bumpCatalogVersion(db, scope)
  const pick = db
    .selectFrom('stock_items')
    .select('id')
    .where('product_id', '=', productId)
    .where('status', '=', 'available')
    .orderBy('id')
    .limit(qty)
  const result = await db
    .updateTable('stock_items')
    .set({ status: 'reserved', order_id: orderId })
    .where('id', 'in', dialect === 'postgres' ? pick.forUpdate().skipLocked() : pick)
    .where('status', '=', 'available')
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Puts an unpaid order's reserved pool items back on sale. Sold items never return. */
export async function releasePoolItems(db: DbOrTrx, scope: Scope, orderId: string): Promise<void> {
  await bumpCatalogVersion(db, scope)
  await db
    .updateTable('stock_items')
    .set({ status: 'available', order_id: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .execute()
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
