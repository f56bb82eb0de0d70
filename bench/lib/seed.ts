// Planting state fast, by direct inserts with the values sx's own writers store: the catalog,
// a large key pool (some of it sold), and pending jobs.
import { sql } from 'kysely'
import type { Db, Dialect } from '../../packages/server/src/db/database.ts'
import { PRODUCT_TYPES, POOL_TYPES } from '../../packages/server/src/modules/catalog/catalog.schemas.ts'
import { slugify } from '../../packages/server/src/modules/catalog/slug.ts'
import { sealedStockItem } from '../../packages/server/src/modules/catalog/stock.service.ts'
import type { SecretBox } from '../../packages/server/src/platform/secret-box.ts'
import { newId } from '../../packages/server/src/platform/ids.ts'

// Rows per INSERT: well under PostgreSQL's 65,535 bound parameters at ~20 columns.
const BATCH = 500

/**
 * Inserts `count` test-mode products in batches, with the columns createProduct would write, and
 * `itemsPerPool` available stock items on each pool product (so the derived-stock subquery counts
 * real rows). Types rotate, so every page of the list mixes pool and counter products.
 */
export async function seedProducts(
  db: Db,
  box: SecretBox,
  shopId: string,
  count: number,
  itemsPerPool: number,
): Promise<void> {
  const now = Date.now()
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const products = []
      const items = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const id = newId('product')
        const type = PRODUCT_TYPES[i % PRODUCT_TYPES.length]!
        const name = `Bench Product ${String(i + 1).padStart(5, '0')}`
        const pool = POOL_TYPES.has(type)
        products.push({
          id,
          shop_id: shopId,
          livemode: 0,
          name,
          slug: slugify(name),
          type,
          price_cents: 100 + (i % 50) * 100,
          currency: 'USD',
          description: i % 3 === 0 ? null : `Description of ${name}.`,
          status: 'active',
          stock_counter: pool ? null : i % 2 === 0 ? null : 100 + i,
          created_at: now,
          updated_at: now,
          archived_at: null,
          // The type settings createProduct requires (the signing secret is never listed, so none is sealed).
          dynamic_url: type === 'dynamic' ? 'https://merchant.example/sx-deliver' : null,
          signing_secret_sealed: null,
          interval: type === 'subscription' ? 'month' : null,
          file_name: null,
          file_size: null,
          file_sha256: null,
          image_sha256: null,
          image_type: null,
        })
        for (let k = 1; pool && k <= itemsPerPool; k++) {
          const value = `SEED-${id.slice(-10)}-${String(k).padStart(4, '0')}`
          items.push(sealedStockItem(box, { shopId, livemode: false }, id, value, now))
        }
      }
      await trx.insertInto('products').values(products).execute()
      if (items.length > 0) await trx.insertInto('stock_items').values(items).execute()
    }
  })
}

/**
 * `count` keys on a pool product, sealed as an import stores them (sealedStockItem), the first
 * `sold` of them (the oldest ids, which checkout takes first) already sold to a made-up order
 * each — the pool after `sold` sales, without making the orders.
 */
export async function plantPool(
  db: Db,
  box: SecretBox,
  scope: { shopId: string; livemode: boolean },
  productId: string,
  count: number,
  sold: number,
): Promise<void> {
  const now = Date.now()
  const run = Math.random().toString(36).slice(2, 8).toUpperCase()
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const items = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const item = sealedStockItem(box, scope, productId, `POOL-${run}-${String(i).padStart(7, '0')}-ABCDE`, now)
        items.push(i < sold ? { ...item, status: 'sold', order_id: newId('order') } : item)
      }
      await trx.insertInto('stock_items').values(items).execute()
    }
  })
}

/**
 * `count` pending `order.expire` jobs due `dueInMs` from now, as checkout queues them, for
 * made-up order ids: what a shop's unpaid orders leave in the queue. They never come due during
 * the bench (and would find no order if they did).
 */
export async function plantJobs(db: Db, count: number, dueInMs: number): Promise<void> {
  const runAt = Date.now() + dueInMs
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, count - start) }, () => ({
        id: newId('job'),
        kind: 'order.expire',
        ref: newId('order'),
        run_at: runAt,
        attempts: 0,
        locked_until: null,
        last_error: null,
        created_at: runAt,
      }))
      await trx.insertInto('jobs').values(jobs).execute()
    }
  })
}

/**
 * PostgreSQL: refreshes the planner's statistics of tables a plant just filled, as autovacuum would
 * within a minute on a live database (the plans of a table it has not analysed yet are not the
 * ones a shop runs). SQLite keeps no statistics unless asked (sx never runs ANALYZE): nothing.
 */
export async function analyze(db: Db, dialect: Dialect, tables: ('stock_items' | 'jobs')[]): Promise<void> {
  if (dialect !== 'postgres') return
  for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db)
}

/** n distinct ~30-character strings shaped like license keys (random per run, so no two runs collide). */
export function licenseKeys(n: number): string[] {
  const run = Math.random().toString(36).slice(2, 8).toUpperCase()
  return Array.from({ length: n }, (_, i) => `KEY-${run}-${String(i).padStart(7, '0')}-ABCDE-FGHIJ`)
}
