// Frozen: never edit a migration that has shipped; add a new one.
// Pool reservations in take order. `(product_id, status)` made checkout walk the product's sold
// rows to find the oldest available one, so every key sold slowed the next checkout. A partial
// index of the available items, in the order checkout takes them (oldest first), finds it in one
// step and stays as small as the unsold pool; queries match its predicate with the literal
// `status = 'available'` (catalog/reservations.repository.ts). Lookups by order (sell, release,
// refund) get their own index.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('stock_items_available')
    .on('stock_items')
    .columns(['product_id', 'created_at', 'id'])
    .where(sql.ref('status'), '=', 'available')
    .execute()
  await db.schema.createIndex('stock_items_by_order').on('stock_items').columns(['order_id', 'product_id']).execute()
  await db.schema.dropIndex('stock_items_by_status').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('stock_items_by_status').on('stock_items').columns(['product_id', 'status']).execute()
  await db.schema.dropIndex('stock_items_by_order').execute()
  await db.schema.dropIndex('stock_items_available').execute()
}
