// Frozen: never edit a migration that has shipped; add a new one.
// Counter stock made auditable: `stock_movements` records every change of a product's
// `stock_counter` (set by the merchant, reserved, released) and every sale, so a counter is the
// sum of its movements. Counters that exist before this migration get one opening `set` movement
// equal to their current value, so an upgraded database balances.
import { PostgresAdapter, sql, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)
  // Append-only. `kind` is set | unlimited | reserved | released | sold; `delta` is the signed change
  // of the counter (null counts as 0). An order reserves, releases or sells a product at most once.
  await db.schema
    .createTable('stock_movements')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('product_id', id, (c) => c.notNull().references('products.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('delta', 'bigint', (c) => c.notNull())
    .addColumn('order_id', id)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('stock_movements_once', ['order_id', 'product_id', 'kind'])
    .execute()
  await db.schema.createIndex('stock_movements_by_product').on('stock_movements').columns(['product_id', 'id']).execute()

  // Backfill, stamped with the time of the upgrade (the audit of orders starts there). Movement ids
  // reuse the product's ULID (sm_<ULID>): unique, and made without app code.
  const now = db.getExecutor().adapter instanceof PostgresAdapter
    ? sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql`cast((julianday('now') - 2440587.5) * 86400000 as integer)`
  await sql`insert into stock_movements (id, shop_id, livemode, product_id, kind, delta, order_id, created_at)
    select 'sm_' || substr(id, 6), shop_id, livemode, id, 'set', stock_counter, null, ${now}
    from products where stock_counter is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stock_movements').execute()
}
