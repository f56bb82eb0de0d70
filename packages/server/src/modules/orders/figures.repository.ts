// Orders' figures for the checks `sx doctor` runs (src/doctor/): what was paid per balance, the
// refund state of orders, and the states of the order lines that took counter stock. Read-only; the
// caller passes the snapshot transaction every module's figures are read in.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import { POOL_TYPES } from '../catalog/index.ts'

/** Bounded `in (…)` lists: SQLite and PostgreSQL both cap bound parameters. */
const CHUNK = 500

async function inChunks<T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))))
  return out
}

export type PaidFigure = { shopId: string; livemode: boolean; currency: string; cents: number; orders: number }

/** Paid orders' totals per shop, mode and currency. */
export async function paidFigures(trx: DbOrTrx): Promise<PaidFigure[]> {
  const rows = await trx
    .selectFrom('orders')
    .select([
      'shop_id',
      'livemode',
      'currency',
      sql<string>`sum(total_cents)`.as('cents'),
      sql<string>`count(*)`.as('n'),
    ])
    .where('paid_at', 'is not', null)
    .groupBy(['shop_id', 'livemode', 'currency'])
    .execute()
  return rows.map((row) => ({
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    currency: row.currency,
    cents: Number(row.cents),
    orders: Number(row.n),
  }))
}

export type RefundStateFigure = {
  orderId: string
  shopId: string
  livemode: boolean
  status: string
  totalCents: number
  refundedCents: number
}

/** Orders that say they were refunded (some cents, or the status), and the orders named in `orderIds`. */
export async function refundStateFigures(trx: DbOrTrx, orderIds: string[]): Promise<RefundStateFigure[]> {
  const select = () =>
    trx.selectFrom('orders').select(['id', 'shop_id', 'livemode', 'status', 'total_cents', 'refunded_cents'])
  const claimed = await select()
    .where((eb) => eb.or([eb('refunded_cents', '<>', 0), eb('status', '=', 'refunded')]))
    .execute()
  const seen = new Set(claimed.map((row) => row.id))
  const named = await inChunks(
    orderIds.filter((id) => !seen.has(id)),
    (chunk) => select().where('id', 'in', chunk).execute(),
  )
  return [...claimed, ...named].map((row) => ({
    orderId: row.id,
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    status: row.status,
    totalCents: Number(row.total_cents),
    refundedCents: Number(row.refunded_cents),
  }))
}

export type CounterLineFigure = {
  orderId: string
  productId: string
  shopId: string
  livemode: boolean
  qty: number
  counterReserved: boolean
  status: string
  failureReason: string | null
  createdAt: number
}

/** Lines of counter products that hold a reservation, or belong to the orders named in `orderIds`. */
export async function counterLineFigures(trx: DbOrTrx, orderIds: string[]): Promise<CounterLineFigure[]> {
  const select = () =>
    trx
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select([
        'order_lines.order_id',
        'order_lines.product_id',
        'order_lines.qty',
        'order_lines.counter_reserved',
        'orders.shop_id',
        'orders.livemode',
        'orders.status',
        'orders.failure_reason',
        'orders.created_at',
      ])
      .where('order_lines.product_type', 'not in', [...POOL_TYPES])
  const reserved = await select().where('order_lines.counter_reserved', '=', 1).execute()
  const named = await inChunks(orderIds, (chunk) =>
    select().where('order_lines.counter_reserved', '<>', 1).where('order_lines.order_id', 'in', chunk).execute(),
  )
  return [...reserved, ...named].map((row) => ({
    orderId: row.order_id,
    productId: row.product_id,
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    qty: Number(row.qty),
    counterReserved: row.counter_reserved === 1,
    status: row.status,
    failureReason: row.failure_reason,
    createdAt: Number(row.created_at),
  }))
}

/** When each of the named orders was created (orders that do not exist are left out). */
export async function orderCreatedAt(trx: DbOrTrx, orderIds: string[]): Promise<Map<string, number>> {
  const rows = await inChunks([...new Set(orderIds)], (chunk) =>
    trx.selectFrom('orders').select(['id', 'created_at']).where('id', 'in', chunk).execute(),
  )
  return new Map(rows.map((row) => [row.id, Number(row.created_at)]))
}
