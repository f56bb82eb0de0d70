// The outbox: events are written in the same transaction as the change they describe, so an
// event exists exactly when its change committed. Delivery (webhooks) reads them later. The
// payload is sealed (an order carries its buyer's email and delivered goods): readers open it.
import type { Db, DbOrTrx } from '../../db/database.ts'
import { newId } from '../ids.ts'
import type { SecretBox } from '../secret-box.ts'

export const EVENT_TYPES = [
  'order.paid', 'order.refunded', 'order.delivered', 'order.failed',
  'product.created', 'product.updated', 'product.deleted',
  'payout.queued', 'payout.broadcast', 'payout.confirmed', 'payout.failed',
  'customer.created',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

export type NewEvent = { shopId: string; livemode: boolean; type: EventType; data: unknown; at: number }

/**
 * Deletes up to `limit` events created before `before` that the relay has handed to the endpoints
 * (an event not relayed yet is kept until it is); answers how many went.
 */
export async function purgeEvents(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('id', 'in', (eb) => eb.selectFrom('events').select('id').where('created_at', '<', before).where('dispatched_at', 'is not', null).limit(limit))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function recordEvent(trx: DbOrTrx, box: Pick<SecretBox, 'seal'>, event: NewEvent): Promise<string> {
  const id = newId('event')
  await trx
    .insertInto('events')
    .values({
      id,
      shop_id: event.shopId,
      livemode: event.livemode ? 1 : 0,
      type: event.type,
      data: box.seal(JSON.stringify(event.data)),
      created_at: event.at,
    })
    .execute()
  return id
}
