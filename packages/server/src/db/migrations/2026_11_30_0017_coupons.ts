// Frozen: never edit a migration that has shipped; add a new one.
// Coupons (modules/coupons) and the discount on an order. An order holds at most one coupon, so its
// redemption is three columns of the order, not a table of its own (see modules/coupons/README.md).
import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

const ORDER_COLUMNS = ['coupon_id', 'coupon_code'] as const

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)
  await db.schema
    .createTable('coupons')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull().references('shops.id'))
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    // The code lower-cased: codes are unique and matched case-insensitively per shop and mode.
    .addColumn('code_key', 'text', (c) => c.notNull())
    .addColumn('percent_off', 'integer')
    .addColumn('amount_off_cents', 'bigint')
    .addColumn('currency', 'text')
    // JSON array of product ids; empty = every product.
    .addColumn('product_ids', 'text', (c) => c.notNull())
    .addColumn('max_redemptions', 'integer')
    .addColumn('times_redeemed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('coupons_code_unique', ['shop_id', 'livemode', 'code_key'])
    .execute()
  await db.schema.createIndex('coupons_by_shop').on('coupons').columns(['shop_id', 'livemode', 'id']).execute()

  await db.schema
    .alterTable('orders')
    .addColumn('discount_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const column of ORDER_COLUMNS) await db.schema.alterTable('orders').addColumn(column, 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...ORDER_COLUMNS, 'discount_cents']) await db.schema.alterTable('orders').dropColumn(column).execute()
  await db.schema.dropTable('coupons').execute()
}
