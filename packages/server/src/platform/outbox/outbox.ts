// The outbox: events are written in the same transaction as the change they describe, so an
// event exists exactly when its change committed. Delivery (webhooks) reads them later. The
// payload is sealed (an order carries its buyer's email and delivered goods): readers open it.
import type { Db, DbOrTrx } from '../../db/database.ts'
import { newId } from '../ids.ts'
import type { SecretBox } from '../secret-box.ts'

/**
 * The event catalogue: every event type, in one list (the API docs' list; webhook subscription
 * filters and the events API take these). A type's payload is in `EventPayloads`.
 */
export const EVENT_TYPES = [
  'order.paid',
  'order.refunded',
  'order.delivered',
  'order.failed',
  'product.created',
  'product.updated',
  'product.deleted',
  'coupon.created',
  'coupon.updated',
  'coupon.deleted',
  'payout.queued',
  'payout.broadcast',
  'payout.confirmed',
  'payout.failed',
  'customer.created',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

/** `order`, `product`, …: the object an event type is about (and what `order.*` subscribes to). */
export type EventFamily = EventType extends `${infer Family}.${string}` ? Family : never
/** The types of one family: `EventTypeOf<'payout'>` = 'payout.queued' | 'payout.broadcast' | … */
export type EventTypeOf<Family extends EventFamily> = Extract<EventType, `${Family}.${string}`>

/**
 * Each event type's payload: the API object it carries. Platform names no module type, so the
 * module that owns the object adds its types here by declaration merging, next to its schema
 * (`declare module '…/platform/outbox/outbox.ts' { interface EventPayloads { 'order.paid': Order } }`).
 * A type without a payload cannot be recorded (its data is `never`); test/catalogues.test.ts
 * checks at compile time that every type has one.
 */
export interface EventPayloads {}

export type EventPayload<T extends EventType> = T extends keyof EventPayloads ? EventPayloads[T] : never

/**
 * An event to record; `data` must be the payload of `type` (a wrong payload does not compile), an
 * API object with its `id` (kept beside the sealed payload, so the events about one object can be listed).
 */
export type NewEvent<T extends EventType = EventType> = {
  shopId: string
  livemode: boolean
  type: T
  data: EventPayload<T> & { id: string }
  at: number
}

/**
 * Deletes up to `limit` events created before `before` that the relay has handed to the endpoints
 * (an event not relayed yet is kept until it is); answers how many went.
 */
export async function purgeEvents(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('events')
        .select('id')
        .where('created_at', '<', before)
        .where('dispatched_at', 'is not', null)
        .limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function recordEvent<T extends EventType>(
  trx: DbOrTrx,
  box: Pick<SecretBox, 'seal'>,
  event: NewEvent<T>,
): Promise<string> {
  const id = newId('event')
  await trx
    .insertInto('events')
    .values({
      id,
      shop_id: event.shopId,
      livemode: event.livemode ? 1 : 0,
      type: event.type,
      data: box.seal(JSON.stringify(event.data)),
      object_id: event.data.id,
      created_at: event.at,
    })
    .execute()
  return id
}
