// Catalog's figures for the stock check `sx doctor` runs (src/doctor/): each product's counter next to
// the sum of its movements, and the movements each order made. Read-only; the caller passes the
// snapshot transaction every module's figures are read in.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import { POOL_TYPES } from './catalog.schemas.ts'

const POOLS = [...POOL_TYPES]

export type CounterFigure = {
  productId: string
  shopId: string
  livemode: boolean
  /** Counter products only: pool products count their items, not a counter. */
  counted: boolean
  /** null = unlimited. */
  counter: number | null
  /** Sum of the product's movements, and when its first one was made (null: none). */
  movementTotal: number
  since: number | null
}

/** Every counter product, and every pool product that has movements. */
export async function counterFigures(trx: DbOrTrx): Promise<CounterFigure[]> {
  const rows = await trx
    .selectFrom('products')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('stock_movements')
          .select(['product_id', sql<string>`sum(delta)`.as('total'), sql<string>`min(created_at)`.as('since')])
          .groupBy('product_id')
          .as('m'),
      (join) => join.onRef('m.product_id', '=', 'products.id'),
    )
    .select([
      'products.id',
      'products.shop_id',
      'products.livemode',
      'products.type',
      'products.stock_counter',
      'm.total',
      'm.since',
    ])
    .where((eb) => eb.or([eb('products.type', 'not in', POOLS), eb('m.product_id', 'is not', null)]))
    .execute()
  return rows.map((row) => ({
    productId: row.id,
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    counted: !POOL_TYPES.has(row.type),
    counter: row.stock_counter === null ? null : Number(row.stock_counter),
    movementTotal: Number(row.total ?? 0),
    since: row.since === null ? null : Number(row.since),
  }))
}

export type OrderMovementFigure = {
  shopId: string
  livemode: boolean
  orderId: string
  productId: string
  kind: string
  count: number
  delta: number
}

/** The movements orders made, per order, product and kind. */
export async function orderMovementFigures(trx: DbOrTrx): Promise<OrderMovementFigure[]> {
  const rows = await trx
    .selectFrom('stock_movements')
    .select([
      'order_id',
      'product_id',
      'kind',
      'shop_id',
      'livemode',
      sql<string>`count(*)`.as('n'),
      sql<string>`sum(delta)`.as('delta'),
    ])
    .where('order_id', 'is not', null)
    .groupBy(['order_id', 'product_id', 'kind', 'shop_id', 'livemode'])
    .execute()
  return rows.map((row) => ({
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    orderId: row.order_id!,
    productId: row.product_id,
    kind: row.kind,
    count: Number(row.n),
    delta: Number(row.delta),
  }))
}
