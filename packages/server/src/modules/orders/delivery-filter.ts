// `GET /v1/orders?delivery_state=…` in SQL: the same rules as the mapper's `deliveryState`
// (orders.mappers.ts), which derives an order's `delivery.state` from its status and its lines'
// states, so a filtered list holds exactly the orders whose `delivery.state` is the one asked for.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { DeliveryState } from './orders.schemas.ts'

export function deliveryStateIs(eb: ExpressionBuilder<Database, 'orders'>, state: DeliveryState): Expression<SqlBool> {
  /** Some line of the order is (or, with 'not in', is not) in one of `states`. */
  const someLine = (operator: 'in' | 'not in', states: string[]) =>
    eb.exists(
      eb
        .selectFrom('order_lines')
        .select('order_lines.line')
        .whereRef('order_lines.order_id', '=', 'orders.id')
        .where('order_lines.delivery_state', operator, states),
    )
  const failed = someLine('in', ['failed'])
  const undelivered = someLine('not in', ['delivered'])
  const unpaid = eb('orders.status', 'in', ['pending', 'awaiting_payment'])
  const moving = eb('orders.status', 'in', ['paid', 'delivering'])
  const beyondFulfilment = someLine('not in', ['delivered', 'awaiting_fulfilment'])
  switch (state) {
    case 'failed':
      return failed
    case 'delivered':
      return eb.and([eb.not(undelivered), eb.not(unpaid)])
    case 'pending':
      return eb.and([
        eb.not(failed),
        eb.or([eb.and([eb.not(undelivered), unpaid]), eb.and([undelivered, eb.not(moving)])]),
      ])
    case 'awaiting_fulfilment':
      return eb.and([eb.not(failed), undelivered, moving, eb.not(beyondFulfilment)])
    case 'in_progress':
      return eb.and([eb.not(failed), undelivered, moving, beyondFulfilment])
  }
}
