import { expressionBuilder, type Insertable, type Updateable } from 'kysely'
import type { Database, DbOrTrx } from '../../db/database.ts'
import { readQuery } from '../../db/prepared.ts'
import type { VersionOfKeyScope } from '../../platform/http/response-cache.ts'
import type { ProductRow, ProductsTable, ProductWithStockRow, StockItemsTable } from './catalog.table.ts'

type Scope = { shopId: string; livemode: boolean }

const INSERT_BATCH_ROWS = 1000

function selectProducts(db: DbOrTrx, scope: Scope) {
  return db
    .selectFrom('products')
    .selectAll('products')
    .select((eb) =>
      eb
        .selectFrom('stock_items')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('stock_items.product_id', '=', 'products.id')
        .where('stock_items.status', '=', 'available')
        .as('pool_stock'),
    )
    .where('products.shop_id', '=', scope.shopId)
    .where('products.livemode', '=', scope.livemode ? 1 : 0)
}

export function findProduct(db: DbOrTrx, scope: Scope, id: string): Promise<ProductWithStockRow | undefined> {
  return selectProducts(db, scope).where('products.id', '=', id).executeTakeFirst()
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
  filters: { status?: string; type?: string },
  afterId: string | null,
  limit: number,
): Promise<ProductWithStockRow[]> {
  let query = selectProducts(db, scope)
  if (filters.status) query = query.where('products.status', '=', filters.status)
  if (filters.type) query = query.where('products.type', '=', filters.type)
  if (afterId) query = query.where('products.id', '<', afterId)
  // Hot (every uncached list): a few shapes, one per set of filters, sent as named statements.
  return readQuery(db, query.orderBy('products.id', 'desc').limit(limit + 1))
}

export async function insertProduct(db: DbOrTrx, row: Insertable<ProductsTable>): Promise<void> {
  await bumpCatalogVersion(db, { shopId: row.shop_id, livemode: row.livemode === 1 })
  await db.insertInto('products').values(row).execute()
}

export async function updateProduct(
  db: DbOrTrx,
  scope: Scope,
  id: string,
  patch: Updateable<ProductsTable>,
): Promise<void> {
  await bumpCatalogVersion(db, scope)
  await db
    .updateTable('products')
    .set(patch)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .execute()
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
  const first = rows[0]
  if (first) await bumpCatalogVersion(db, { shopId: first.shop_id, livemode: first.livemode === 1 })
  let inserted = 0
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const result = await db
      .insertInto('stock_items')
      .values(rows.slice(start, start + INSERT_BATCH_ROWS))
      .onConflict((oc) => oc.columns(['product_id', 'value_hash']).doNothing())
      .executeTakeFirst()
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n)
  }
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
  const row = await db
    .selectFrom('stock_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('product_id', '=', productId)
    .where('status', '=', 'available')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Every write to products or stock_items goes through this file (or reservations.repository.ts)
 * and starts here, in its own transaction, so the version moves whenever the catalog a reader
 * could see has changed. Starting with it makes this row the first lock every catalog write takes
 * (on PostgreSQL), so writes of one shop and mode queue in one order and cannot deadlock.
 */
export async function bumpCatalogVersion(db: DbOrTrx, scope: Scope): Promise<void> {
  await db
    .insertInto('catalog_versions')
    .values({ shop_id: scope.shopId, livemode: scope.livemode ? 1 : 0, version: 1 })
    .onConflict((oc) =>
      oc.columns(['shop_id', 'livemode']).doUpdateSet((eb) => ({ version: eb('catalog_versions.version', '+', 1) })),
    )
    .execute()
}

/**
 * The catalog's version for a key's shop and mode, read in the key lookup's statement (null before
 * the first write, read as 0): the cached list and product routes name it as `versionedBy`.
 */
export const catalogVersionOfKey: VersionOfKeyScope = (key) =>
  expressionBuilder<Database>()
    .selectFrom('catalog_versions')
    .select('version')
    .where((eb) =>
      eb.and([
        eb(eb.ref('catalog_versions.shop_id'), '=', key.shopId),
        eb(eb.ref('catalog_versions.livemode'), '=', key.livemode),
      ]),
    )
    .$asScalar()

/** What delivery needs to know of a product (its door into the catalog): endpoint, interval, file. */
export function findDeliverySettings(db: DbOrTrx, productId: string) {
  return db
    .selectFrom('products')
    .select(['dynamic_url', 'signing_secret_sealed', 'interval', 'file_name', 'file_sha256'])
    .where('id', '=', productId)
    .executeTakeFirst()
}
