// The storefront's checkout form (issue 15): an order placed from a public form keeps the buyer's
// address (the key the per-address budgets use), so unpaid public orders can be limited per
// address; and every order counts its quotes, so a change of payment method (a new quote for the
// same order) is made against the quote the buyer saw: of two concurrent changes, one wins.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('buyer_address', 'text').execute()
  await db.schema
    .alterTable('orders')
    .addColumn('quote_no', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('orders_public_unpaid')
    .on('orders')
    .columns(['shop_id', 'livemode', 'buyer_address', 'status'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_public_unpaid').execute()
  for (const column of ['buyer_address', 'quote_no']) await db.schema.alterTable('orders').dropColumn(column).execute()
}
