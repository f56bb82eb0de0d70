// The outbox's reads and writes for its readers: the webhook relay (events not yet relayed, marked
// once fanned out) and the events API (scoped to a shop and mode). `outbox.ts` writes events and
// purges them; no other folder names the `events` table.
import type { Selectable } from 'kysely'
import type { Db, DbOrTrx, Dialect } from '../../db/database.ts'
import type { EventsTable } from './outbox.table.ts'

type Scope = { shopId: string; livemode: boolean }

/** An event as its readers see it (`data` still sealed). */
export type EventRow = Pick<Selectable<EventsTable>, 'id' | 'type' | 'created_at' | 'livemode' | 'data'>
export type UndispatchedEvent = Pick<Selectable<EventsTable>, 'id' | 'shop_id' | 'livemode' | 'type' | 'created_at'>

const EVENT_COLUMNS = ['id', 'type', 'created_at', 'livemode', 'data'] as const

/** Whether any event waits for the relay (read outside a transaction: an idle relay takes no lock). */
export async function hasUndispatchedEvents(db: Db): Promise<boolean> {
  return (
    (await db.selectFrom('events').select('id').where('dispatched_at', 'is', null).limit(1).executeTakeFirst()) !==
    undefined
  )
}

/** Up to `batch` events not relayed yet, oldest first; on PostgreSQL locked, skipping rows another relay holds. */
export function takeUndispatchedEvents(trx: DbOrTrx, dialect: Dialect, batch: number): Promise<UndispatchedEvent[]> {
  let pending = trx
    .selectFrom('events')
    .select(['id', 'shop_id', 'livemode', 'type', 'created_at'])
    .where('dispatched_at', 'is', null)
    .orderBy('id')
    .limit(batch)
  if (dialect === 'postgres') pending = pending.forUpdate().skipLocked()
  return pending.execute()
}

export async function markEventsDispatched(trx: DbOrTrx, ids: readonly string[], now: number): Promise<void> {
  if (ids.length > 0) await trx.updateTable('events').set({ dispatched_at: now }).where('id', 'in', ids).execute()
}

export function findEvent(db: DbOrTrx, scope: Scope, id: string): Promise<EventRow | undefined> {
  return db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** `types`: only events of these types (undefined: all); `objectId`: only events about that object. */
export function listEvents(
  db: DbOrTrx,
  scope: Scope,
  filters: { types?: readonly string[]; objectId?: string },
  afterId: string | null,
  limit: number,
): Promise<EventRow[]> {
  let query = db
    .selectFrom('events')
    .select(EVENT_COLUMNS)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
  if (filters.types !== undefined) query = query.where('type', 'in', filters.types)
  if (filters.objectId !== undefined) query = query.where('object_id', '=', filters.objectId)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export function eventsByIds(db: DbOrTrx, ids: readonly string[]): Promise<EventRow[]> {
  return ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('events').select(EVENT_COLUMNS).where('id', 'in', ids).execute()
}
