// What the database says after a run, read independently of what the API answered.
import type { Db } from '../../packages/server/src/db/database.ts'
import { openReader } from './databases.ts'

/** What the database says about one pool product's items and the orders holding them. */
export type PoolAudit = {
  items: number
  /** Items by status (available, reserved, sold). */
  by_status: Record<string, number>
  /** Reserved or sold items with no order_id. */
  taken_without_order: number
  /** Distinct values among reserved or sold items (fewer than the items: a key went out twice). */
  distinct_taken_values: number
  /** order_id → how many of this product's items it holds. */
  items_per_order: Map<string, number>
  /** Orders with a line for this product: id → status and qty. */
  orders: Map<string, { status: string; qty: number }>
}

/**
 * Reads the database through a connection of the bench's own (databases.ts openReader: read-only
 * better-sqlite3 on SQLite, a pg client on PostgreSQL), not sx's: what is stored.
 */
export async function auditPool(dbUrl: string, productId: string): Promise<PoolAudit> {
  const db = openReader(dbUrl)
  try {
    const byStatus = await db.all<{ status: string; n: number }>(
      'select status, count(*) as n from stock_items where product_id = ? group by status',
      [productId],
    )
    const [taken] = await db.all<{ n: number; d: number; orphans: number | null }>(
      `select count(*) as n, count(distinct value_hash) as d, sum(case when order_id is null then 1 else 0 end) as orphans
      from stock_items where product_id = ? and status in ('reserved', 'sold')`,
      [productId],
    )
    const perOrder = await db.all<{ order_id: string; n: number }>(
      'select order_id, count(*) as n from stock_items where product_id = ? and order_id is not null group by order_id',
      [productId],
    )
    const orders = await db.all<{ id: string; status: string; qty: number }>(
      'select o.id, o.status, l.qty from orders o join order_lines l on l.order_id = o.id where l.product_id = ?',
      [productId],
    )
    return {
      items: byStatus.reduce((sum, row) => sum + Number(row.n), 0),
      by_status: Object.fromEntries(byStatus.map((row) => [row.status, Number(row.n)])),
      taken_without_order: Number(taken!.orphans ?? 0),
      distinct_taken_values: Number(taken!.d),
      items_per_order: new Map(perOrder.map((row) => [row.order_id, Number(row.n)])),
      orders: new Map(orders.map((row) => [row.id, { status: row.status, qty: Number(row.qty) }])),
    }
  } finally {
    await db.close()
  }
}

/** Rows in a table of the bench's database (through sx's own connection). */
export async function countRows(db: Db, table: 'orders' | 'customers' | 'jobs'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function expectImport(
  actual: unknown,
  expected: { imported: number; duplicates: number; stock_after: number },
): void {
  const got = actual as Record<string, unknown>
  const wrong = Object.entries(expected).filter(([field, value]) => got[field] !== value)
  if (wrong.length > 0)
    throw new Error(`stock import answered ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

/**
 * Waits (up to 60 s) until no order has been stored for 500 ms. autocannon abandons the requests
 * still in flight when a phase ends, but sx still serves them: when an order takes long, the next
 * phase would otherwise start behind the last one's queue.
 */
export async function quiet(db: Db): Promise<void> {
  const deadline = Date.now() + 60_000
  for (let last = -1, now = await countRows(db, 'orders'); now !== last && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    ;[last, now] = [now, await countRows(db, 'orders')]
  }
}
