import type { ExpressionBuilder, Insertable, Updateable } from 'kysely'
import type { Database, DbOrTrx } from '../../db/database.ts'
import { readQuery } from '../../db/prepared.ts'
import { POOL_TYPES } from './catalog.schemas.ts'
import type { ProductRow, ProductsTable, ProductWithStockRow, StockItemsTable } from './catalog.table.ts'
import { AVAILABLE, availableItems } from './reservations.repository.ts'
import { noteCatalogChange } from './versions.repository.ts'

type Scope = { shopId: string; livemode: boolean }

const INSERT_BATCH_ROWS = 1000
const POOLS = [...POOL_TYPES]

/** How many unsold items a product's pool holds (pool types' stock). */
const poolStock = (eb: ExpressionBuilder<Database, 'products'>) =>
  eb
    .selectFrom('stock_items')
    .select((inner) => inner.fn.countAll<number>().as('n'))
    .whereRef('stock_items.product_id', '=', 'products.id')
    .where('stock_items.status', '=', AVAILABLE)

function selectProducts(db: DbOrTrx, scope: Scope) {
  return db
    .selectFrom('products')
    .selectAll('products')
    .select((eb) => poolStock(eb).as('pool_stock'))
    .where('products.shop_id', '=', scope.shopId)
    .where('products.livemode', '=', scope.livemode ? 1 : 0)
}

export function findProduct(db: DbOrTrx, scope: Scope, id: string): Promise<ProductWithStockRow | undefined> {
  return selectProducts(db, scope).where('products.id', '=', id).executeTakeFirst()
}

/** The shop pages' products: active ones of this shop and mode, newest first, or the one with `slug`. */
export function findActiveProducts(db: DbOrTrx, scope: Scope, slug?: string): Promise<ProductWithStockRow[]> {
  let query = selectProducts(db, scope).where('products.status', '=', 'active')
  if (slug !== undefined) query = query.where('products.slug', '=', slug)
  return query.orderBy('products.id', 'desc').execute()
}

/** The image columns of these products (any shop: the caller's ids come from its own order). */
export function findImages(db: DbOrTrx, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('products').select(['id', 'image_sha256', 'image_type']).where('id', 'in', ids).execute()
}

/** Active products of this shop and mode by id, with their stock (the checkout form's lines). */
export function findActiveProductsByIds(db: DbOrTrx, scope: Scope, ids: string[]): Promise<ProductWithStockRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return selectProducts(db, scope).where('products.status', '=', 'active').where('products.id', 'in', ids).execute()
}

/** A product's shop, mode and status by id alone (the buy button names a product only). */
export function findProductScope(db: DbOrTrx, id: string) {
  return db.selectFrom('products').select(['shop_id', 'livemode', 'status']).where('id', '=', id).executeTakeFirst()
}

/** Several products of this shop and mode by id, without the pool count (checkout reserves instead of counting). */
export function findSellableProducts(db: DbOrTrx, scope: Scope, ids: string[]): Promise<ProductRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('products')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', 'in', ids)
    .execute()
}

export function listProducts(
  db: DbOrTrx,
  scope: Scope,
  filters: { status?: string; type?: string; stockAtMost?: number },
  afterId: string | null,
  limit: number,
): Promise<ProductWithStockRow[]> {
  let query = selectProducts(db, scope)
  if (filters.status) query = query.where('products.status', '=', filters.status)
  if (filters.type) query = query.where('products.type', '=', filters.type)
  const most = filters.stockAtMost
  if (most !== undefined)
    // The stock the mapper shows: the pool's count for pool types, else the counter (null: unlimited).
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('products.type', 'in', POOLS), eb(poolStock(eb), '<=', most)]),
        eb.and([eb('products.type', 'not in', POOLS), eb('products.stock_counter', '<=', most)]),
      ]),
    )
  if (afterId) query = query.where('products.id', '<', afterId)
  // Hot (every uncached list): a few shapes, one per set of filters, sent as named statements.
  return readQuery(db, query.orderBy('products.id', 'desc').limit(limit + 1))
}

export async function insertProduct(db: DbOrTrx, row: Insertable<ProductsTable>): Promise<void> {
  await db.insertInto('products').values(row).execute()
  await noteCatalogChange(db, { shopId: row.shop_id, livemode: row.livemode === 1 })
}

export async function updateProduct(
  db: DbOrTrx,
  scope: Scope,
  id: string,
  patch: Updateable<ProductsTable>,
): Promise<void> {
  await db
    .updateTable('products')
    .set(patch)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .execute()
  await noteCatalogChange(db, scope)
}

/** Slugs in use that start with `base`, for picking the next free one. */
export async function slugsLike(db: DbOrTrx, scope: Scope, base: string): Promise<string[]> {
  const rows = await db
    .selectFrom('products')
    .select('slug')
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('slug', 'like', `${base}%`)
    .execute()
  return rows.map((r) => r.slug)
}

/**
 * Inserts pool items, skipping any whose value is already in the product's pool (the unique
 * index decides, so concurrent imports cannot both insert one value). Returns how many went in.
 * Callers pass items sorted by value_hash so that concurrent imports lock in the same order.
 */
export async function insertStockItems(db: DbOrTrx, rows: Insertable<StockItemsTable>[]): Promise<number> {
  let inserted = 0
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const result = await db
      .insertInto('stock_items')
      .values(rows.slice(start, start + INSERT_BATCH_ROWS))
      .onConflict((oc) => oc.columns(['product_id', 'value_hash']).doNothing())
      .executeTakeFirst()
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n)
  }
  const first = rows[0]
  if (first && inserted > 0) await noteCatalogChange(db, { shopId: first.shop_id, livemode: first.livemode === 1 })
  return inserted
}

/** Which of these digests the product's pool already holds (sold or not). */
export async function knownStockDigests(db: DbOrTrx, productId: string, digests: string[]): Promise<Set<string>> {
  const known = new Set<string>()
  // A first import (an empty pool) needs no look-ups.
  if (
    !(await db.selectFrom('stock_items').select('id').where('product_id', '=', productId).limit(1).executeTakeFirst())
  )
    return known
  for (let start = 0; start < digests.length; start += INSERT_BATCH_ROWS) {
    const rows = await db
      .selectFrom('stock_items')
      .select('value_hash')
      .where('product_id', '=', productId)
      .where('value_hash', 'in', digests.slice(start, start + INSERT_BATCH_ROWS))
      .execute()
    for (const row of rows) known.add(row.value_hash)
  }
  return known
}

export async function countAvailableStock(db: DbOrTrx, productId: string): Promise<number> {
  const row = await availableItems(db, productId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** What delivery needs to know of a product (its door into the catalog): endpoint, interval, file. */
export function findDeliverySettings(db: DbOrTrx, productId: string) {
  return db
    .selectFrom('products')
    .select(['dynamic_url', 'signing_secret_sealed', 'interval', 'file_name', 'file_sha256'])
    .where('id', '=', productId)
    .executeTakeFirst()
}
