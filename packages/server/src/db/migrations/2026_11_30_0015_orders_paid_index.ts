// GET /v1/reports/daily sums the orders paid in a date range of one shop and mode: this index
// makes that a range read, however many orders the shop has.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_by_paid_at').on('orders').columns(['shop_id', 'livemode', 'paid_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_by_paid_at').execute()
}
