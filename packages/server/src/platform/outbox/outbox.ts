// The outbox: events are written in the same transaction as the change they describe, so an
// event exists exactly when its change committed. Delivery (webhooks) reads them later.
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../ids.ts'

export const EVENT_TYPES = [
  'order.paid', 'order.refunded', 'order.delivered', 'order.failed',
  'product.created', 'product.updated', 'product.deleted',
  'payout.queued', 'payout.broadcast', 'payout.confirmed', 'payout.failed',
  'customer.created',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

export type NewEvent = { shopId: string; livemode: boolean; type: EventType; data: unknown; at: number }

export async function recordEvent(trx: DbOrTrx, event: NewEvent): Promise<string> {
  const id = newId('event')
  await trx
    .insertInto('events')
    .values({
      id,
      shop_id: event.shopId,
      livemode: event.livemode ? 1 : 0,
      type: event.type,
      data: JSON.stringify(event.data),
      created_at: event.at,
    })
    .execute()
  return id
}
