// The send queue: one row per (endpoint, event), filled by the relay from the events outbox and
// drained by dispatchers. Rows are claimed by lease, so any number of worker processes share it
// and a crashed worker's rows are taken over once their lease passes (at-least-once delivery).
import type { ExpressionBuilder } from 'kysely'
import type { Database, Db, DbOrTrx, Dialect } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'
import {
  hasUndispatchedEvents,
  markEventsDispatched,
  takeUndispatchedEvents,
} from '../../platform/outbox/events.repository.ts'
import { subscribes } from './subscriptions.ts'
import type { EndpointRow } from './webhooks.mappers.ts'

export type ClaimedRow = {
  id: string
  endpoint_id: string
  event_id: string
  attempts: number
  next_attempt_at: number
  locked_until: number
}

/**
 * Fans out up to `batch` events not yet relayed to the endpoints subscribed to them right now,
 * and marks them relayed, in one transaction. Answers how many events it took.
 */
export async function relayEvents(db: Db, dialect: Dialect, now: number, batch: number): Promise<number> {
  // Looked at outside a transaction first: an idle relay must not take SQLite's write lock.
  if (!(await hasUndispatchedEvents(db))) return 0
  return db.transaction().execute(async (trx) => {
    const events = await takeUndispatchedEvents(trx, dialect, batch)
    if (events.length === 0) return 0
    const shops = [...new Set(events.map((event) => event.shop_id))]
    const endpoints = (
      await trx
        .selectFrom('webhook_endpoints')
        .select(['id', 'shop_id', 'livemode', 'events'])
        .where('shop_id', 'in', shops)
        .where('status', '=', 'active')
        .where('deleted_at', 'is', null)
        .execute()
    ).map((endpoint) => ({ ...endpoint, patterns: JSON.parse(endpoint.events) as string[] }))
    const rows = events.flatMap((event) =>
      endpoints
        .filter(
          (endpoint) =>
            endpoint.shop_id === event.shop_id &&
            endpoint.livemode === event.livemode &&
            subscribes(endpoint.patterns, event.type),
        )
        .map((endpoint) => ({
          id: newId('webhookQueue'),
          endpoint_id: endpoint.id,
          event_id: event.id,
          status: 'pending',
          attempts: 0,
          // First attempts go out in event order.
          next_attempt_at: Number(event.created_at),
          locked_until: null,
          locked_by: null,
          created_at: now,
        })),
    )
    for (let start = 0; start < rows.length; start += 200) {
      await trx
        .insertInto('webhook_queue')
        .values(rows.slice(start, start + 200))
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
        .execute()
    }
    await markEventsDispatched(
      trx,
      events.map((event) => event.id),
      now,
    )
    return events.length
  })
}

/** Active endpoints with rows due now: one index probe each, whatever the size of the backlog. */
export function endpointsWithDueRows(db: Db, now: number): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('webhook_queue')
          .select('webhook_queue.id')
          .whereRef('webhook_queue.endpoint_id', '=', 'webhook_endpoints.id')
          .where('webhook_queue.status', '=', 'pending')
          .where('webhook_queue.next_attempt_at', '<=', now),
      ),
    )
    .execute()
}

/**
 * When the next row not leased by a live worker comes due (a retry), so an idle dispatcher can
 * sleep until then: per active endpoint, the first row of its `webhook_queue_pending` range.
 */
export async function nextAttemptAt(db: Db, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select((eb) =>
      eb.fn
        .min(
          eb
            .selectFrom('webhook_queue')
            .select('webhook_queue.next_attempt_at')
            .whereRef('webhook_queue.endpoint_id', '=', 'webhook_endpoints.id')
            .where('webhook_queue.status', '=', 'pending')
            .where((inner) =>
              inner.or([
                inner('webhook_queue.locked_until', 'is', null),
                inner('webhook_queue.locked_until', '<', now),
              ]),
            )
            .orderBy('webhook_queue.next_attempt_at')
            .limit(1)
            .$asScalar(),
        )
        .as('next'),
    )
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  return row?.next == null ? null : Number(row.next)
}

/**
 * Leases up to `limit` of one endpoint's due rows to this worker, oldest first (an index range
 * read). The conditional UPDATE decides races between workers: a row another worker leased since
 * the SELECT saw it no longer matches and is left out; on PostgreSQL SKIP LOCKED passes over rows
 * being leased right now instead of waiting for them.
 */
export async function claimDue(
  db: Db,
  dialect: Dialect,
  options: { endpointId: string; now: number; leaseUntil: number; workerId: string; limit: number },
): Promise<ClaimedRow[]> {
  const { endpointId, now, leaseUntil, workerId, limit } = options
  const free = (eb: ExpressionBuilder<Database, 'webhook_queue'>) =>
    eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])
  let due = db
    .selectFrom('webhook_queue')
    .select('id')
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where(free)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
  if (dialect === 'postgres') due = due.forUpdate().skipLocked()
  const rows = await db
    .updateTable('webhook_queue')
    .set({ locked_until: leaseUntil, locked_by: workerId })
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .where(free)
    .returning(['id', 'endpoint_id', 'event_id', 'attempts', 'next_attempt_at', 'locked_until'])
    .execute()
  return rows.map((row) => ({
    ...row,
    attempts: Number(row.attempts),
    next_attempt_at: Number(row.next_attempt_at),
    locked_until: Number(row.locked_until),
  }))
}

/**
 * Deletes up to `limit` attempt-log rows and up to `limit` finished queue rows created before
 * `before` (pending chains are kept whatever their age); answers the larger count.
 */
export async function purgeWebhookHistory(db: Db, before: number, limit: number): Promise<number> {
  const attempts = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb.selectFrom('webhook_deliveries').select('id').where('created_at', '<', before).limit(limit),
    )
    .executeTakeFirst()
  const chains = await db
    .deleteFrom('webhook_queue')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_queue')
        .select('id')
        .where('created_at', '<', before)
        .where('status', '!=', 'pending')
        .limit(limit),
    )
    .executeTakeFirst()
  return Math.max(Number(attempts.numDeletedRows), Number(chains.numDeletedRows))
}

/** Ends chains whose event no longer exists (the retention job deleted it). */
export async function cancelRows(db: DbOrTrx, ids: string[]): Promise<void> {
  await db
    .updateTable('webhook_queue')
    .set({ status: 'cancelled', locked_until: null, locked_by: null })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute()
}

/** Hands back rows this worker leased but did not send (on shutdown), so others take them at once. */
export async function releaseLeases(db: DbOrTrx, workerId: string): Promise<void> {
  await db
    .updateTable('webhook_queue')
    .set({ locked_until: null, locked_by: null })
    .where('locked_by', '=', workerId)
    .where('status', '=', 'pending')
    .execute()
}
