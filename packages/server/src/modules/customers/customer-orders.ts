// What customers need from orders, declared here because customers sits below orders (orders
// imports customers, never the reverse): the orders module implements it (`customerOrders` in its
// index.ts) and the composition root (app.ts) passes it to this module's routes.
import type { DbOrTrx } from '../../db/database.ts'

/** A customer's figures derived from their orders. */
export type CustomerOrderFigures = {
  orders_count: number
  /** Paid orders' totals net of their refunded cents. */
  lifetime_cents: number
  /** Their latest order's creation, or null without orders. */
  last_seen_at: number | null
}

export type CustomerOrder = {
  id: string
  status: string
  total_cents: number
  currency: string
  created_at: number
  paid_at: number | null
}

export type CustomerOrders = {
  /** Figures per customer id (a customer without orders may be missing: count 0, nothing seen). */
  figures(db: DbOrTrx, customerIds: readonly string[]): Promise<Map<string, CustomerOrderFigures>>
  /** The customer's latest orders, newest first. */
  recent(db: DbOrTrx, customerId: string, limit: number): Promise<CustomerOrder[]>
}
