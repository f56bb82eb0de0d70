// Frozen: never edit a migration that has shipped; add a new one.
// Orders, their lines and payments, customers, the job queue, stored mails and download links.
import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)

  // Per-type delivery settings of products.
  await db.schema.alterTable('products').addColumn('dynamic_url', 'text').execute()
  await db.schema.alterTable('products').addColumn('signing_secret_sealed', 'text').execute()
  await db.schema.alterTable('products').addColumn('interval', 'text').execute()
  await db.schema.alterTable('products').addColumn('file_name', 'text').execute()
  await db.schema.alterTable('products').addColumn('file_size', 'bigint').execute()
  await db.schema.alterTable('products').addColumn('file_sha256', 'text').execute()

  await db.schema
    .createTable('customers')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('customers_email_unique', ['shop_id', 'livemode', 'email'])
    .execute()
  await db.schema.createIndex('customers_by_shop').on('customers').columns(['shop_id', 'livemode', 'id']).execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('customer_id', id, (c) => c.notNull())
    .addColumn('customer_email', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('shipping_address', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('page_token', 'text', (c) => c.notNull().unique())
    .addColumn('renews_order_id', id)
    // The invoice (one per order): what the provider asked for and what it has seen.
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('pay_address', 'text')
    .addColumn('provider_ref', 'text')
    .addColumn('amount_due', 'text')
    .addColumn('amount_received', 'text', (c) => c.notNull())
    .addColumn('invoice_status', 'text', (c) => c.notNull())
    .addColumn('tx_hash', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('fulfilment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .execute()
  await db.schema.createIndex('orders_by_shop').on('orders').columns(['shop_id', 'livemode', 'id']).execute()
  await db.schema.createIndex('orders_by_status').on('orders').columns(['shop_id', 'livemode', 'status', 'id']).execute()
  await db.schema.createIndex('orders_by_customer').on('orders').columns(['customer_id', 'id']).execute()

  await db.schema
    .createTable('order_lines')
    .addColumn('order_id', id, (c) => c.notNull().references('orders.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('product_id', id, (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('product_type', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
    .addColumn('subtotal_cents', 'bigint', (c) => c.notNull())
    // 1 when checkout took qty off the product's stock counter (given back if the order expires).
    .addColumn('counter_reserved', 'integer', (c) => c.notNull())
    .addColumn('delivery_state', 'text', (c) => c.notNull())
    .addColumn('delivered', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line'])
    .execute()

  await db.schema
    .createTable('order_payments')
    .addColumn('order_id', id, (c) => c.notNull().references('orders.id'))
    .addColumn('tx_hash', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_payments_pk', ['order_id', 'tx_hash'])
    .execute()

  await db.schema
    .createTable('jobs')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('jobs_kind_ref_unique', ['kind', 'ref'])
    .execute()
  await db.schema.createIndex('jobs_by_run_at').on('jobs').column('run_at').execute()

  await db.schema
    .createTable('mails')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('order_id', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transport', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute()
  await db.schema.createIndex('mails_by_shop').on('mails').columns(['shop_id', 'livemode', 'id']).execute()

  await db.schema
    .createTable('downloads')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('order_id', id, (c) => c.notNull())
    .addColumn('product_id', id, (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('downloads_left', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['downloads', 'mails', 'jobs', 'order_payments', 'order_lines', 'orders', 'customers']) {
    await db.schema.dropTable(table).execute()
  }
  for (const column of ['file_sha256', 'file_size', 'file_name', 'interval', 'signing_secret_sealed', 'dynamic_url']) {
    await db.schema.alterTable('products').dropColumn(column).execute()
  }
}
