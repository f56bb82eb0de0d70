// The send queue: one row per (endpoint, event), filled by the relay from the events outbox and
// drained by dispatchers. Rows are claimed by lease, so any number of worker processes share it
// and a crashed worker's rows are taken over once their lease passes (at-least-once delivery).
import { sql } from 'kysely'
import type { Db, DbOrTrx, Dialect } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'
import { subscribes } from './subscriptions.ts'

export type ClaimedRow = { id: string; endpoint_id: string; event_id: string; attempts: number; next_attempt_at: number; locked_until: number }

/**
 * Fans out up to `batch` events not yet relayed to the endpoints subscribed to them right now,
 * and marks them relayed, in one transaction. Answers how many events it took.
 */
export async function relayEvents(db: Db, dialect: Dialect, now: number, batch: number): Promise<number> {
  // Looked at outside a transaction first: an idle relay must not take SQLite's write lock.
  const any = await db.selectFrom('events').select('id').where('dispatched_at', 'is', null).limit(1).executeTakeFirst()
  if (!any) return 0
  return db.transaction().execute(async (trx) => {
    let pending = trx.selectFrom('events').select(['id', 'shop_id', 'livemode', 'type', 'created_at']).where('dispatched_at', 'is', null).orderBy('id').limit(batch)
    if (dialect === 'postgres') pending = pending.forUpdate().skipLocked()
    const events = await pending.execute()
    if (events.length === 0) return 0
    const shops = [...new Set(events.map((event) => event.shop_id))]
    const endpoints = (await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'shop_id', 'livemode', 'events'])
      .where('shop_id', 'in', shops)
      .where('status', '=', 'active')
      .where('deleted_at', 'is', null)
      .execute()).map((endpoint) => ({ ...endpoint, patterns: JSON.parse(endpoint.events) as string[] }))
    const rows = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.shop_id === event.shop_id && endpoint.livemode === event.livemode && subscribes(endpoint.patterns, event.type))
        .map((endpoint) => ({
          id: newId('webhookQueue'), endpoint_id: endpoint.id, event_id: event.id, status: 'pending', attempts: 0,
          // First attempts go out in event order.
          next_attempt_at: Number(event.created_at), locked_until: null, locked_by: null, created_at: now,
        })),
    )
    for (let start = 0; start < rows.length; start += 200) {
      await trx.insertInto('webhook_queue').values(rows.slice(start, start + 200)).onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing()).execute()
    }
    await trx.updateTable('events').set({ dispatched_at: now }).where('id', 'in', events.map((event) => event.id)).execute()
    return events.length
  })
}

/**
 * Leases due rows to this worker: at most `perEndpoint` per endpoint (oldest first) and `limit`
 * in all, taking one from each endpoint before a second from any, so a shop with a huge backlog
 * cannot crowd the others out. `skip` names endpoints this worker already holds enough of.
 * The conditional UPDATE decides races between workers: a row leased by another since the
 * SELECT saw it no longer matches and is left out.
 */
export async function claimDue(
  db: Db,
  options: { now: number; leaseUntil: number; workerId: string; perEndpoint: number; limit: number; skip: readonly string[] },
): Promise<ClaimedRow[]> {
  const { now, leaseUntil, workerId, perEndpoint, limit, skip } = options
  const free = sql`(locked_until is null or locked_until < ${now})`
  const skipping = skip.length === 0 ? sql`` : sql`and endpoint_id not in (${sql.join(skip)})`
  const result = await sql<ClaimedRow>`
    update webhook_queue set locked_until = ${leaseUntil}, locked_by = ${workerId}
    where id in (
      select id from (
        select id, next_attempt_at,
          row_number() over (partition by endpoint_id order by next_attempt_at, id) as turn
        from webhook_queue
        where status = 'pending' and next_attempt_at <= ${now} and ${free} ${skipping}
      ) ranked
      where turn <= ${perEndpoint}
      order by turn, next_attempt_at
      limit ${limit}
    )
    and status = 'pending' and ${free}
    returning id, endpoint_id, event_id, attempts, next_attempt_at, locked_until`.execute(db)
  return result.rows.map((row) => ({ ...row, attempts: Number(row.attempts), next_attempt_at: Number(row.next_attempt_at), locked_until: Number(row.locked_until) }))
}

/** Hands back rows this worker leased but did not send (on shutdown), so others take them at once. */
export async function releaseLeases(db: DbOrTrx, workerId: string): Promise<void> {
  await db.updateTable('webhook_queue').set({ locked_until: null, locked_by: null }).where('locked_by', '=', workerId).where('status', '=', 'pending').execute()
}

/** The next time a pending row becomes due (for an idle dispatcher's sleep). */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('webhook_queue')
    .select(sql<number | null>`min(case when locked_until is not null and locked_until > next_attempt_at then locked_until else next_attempt_at end)`.as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return row?.next == null ? null : Number(row.next)
}
