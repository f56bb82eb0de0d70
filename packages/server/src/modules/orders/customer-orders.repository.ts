// The orders module's side of customers' `CustomerOrders` port: a customer's figures and latest
// orders, derived from the orders table when read (so they can never drift). app.ts passes it to
// the customers routes; customers sits below orders and does not import it.
import { sql } from 'kysely'
import type { CustomerOrders } from '../customers/index.ts'

export const customerOrders: CustomerOrders = {
  async figures(db, customerIds) {
    if (customerIds.length === 0) return new Map()
    const rows = await db
      .selectFrom('orders')
      .select([
        'customer_id',
        sql<string>`count(*)`.as('n'),
        sql<string>`sum(case when paid_at is not null then total_cents - refunded_cents else 0 end)`.as('lifetime'),
        sql<string | null>`max(created_at)`.as('last_seen'),
      ])
      .where('customer_id', 'in', customerIds)
      .groupBy('customer_id')
      .execute()
    return new Map(
      rows.map((row) => [
        row.customer_id,
        {
          orders_count: Number(row.n),
          lifetime_cents: Number(row.lifetime ?? 0),
          last_seen_at: row.last_seen === null ? null : Number(row.last_seen),
        },
      ]),
    )
  },
  async recent(db, customerId, limit) {
    const rows = await db
      .selectFrom('orders')
      .select(['id', 'status', 'total_cents', 'currency', 'created_at', 'paid_at'])
      .where('customer_id', '=', customerId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map((o) => ({
      ...o,
      total_cents: Number(o.total_cents),
      created_at: Number(o.created_at),
      paid_at: o.paid_at === null ? null : Number(o.paid_at),
    }))
  },
}
