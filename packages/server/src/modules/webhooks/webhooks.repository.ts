// Endpoints and their attempt log (the events they carry are the outbox's: platform/outbox/events.repository.ts). Every read is scoped to a shop and
// mode, so another shop's or mode's ids are simply not found.
import type { Insertable, Updateable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhooks.table.ts'
import type { DeliveryRow, EndpointRow } from './webhooks.mappers.ts'

type Scope = { shopId: string; livemode: boolean }

function endpoints(db: DbOrTrx, scope: Scope) {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('deleted_at', 'is', null)
}

export async function insertEndpoint(db: DbOrTrx, row: Insertable<WebhookEndpointsTable>): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute()
}

export async function countEndpoints(db: DbOrTrx, scope: Scope): Promise<number> {
  const row = await endpoints(db, scope)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findEndpoint(db: DbOrTrx, scope: Scope, id: string): Promise<EndpointRow | undefined> {
  return endpoints(db, scope).where('id', '=', id).executeTakeFirst()
}

export function listEndpoints(
  db: DbOrTrx,
  scope: Scope,
  status: string | undefined,
  afterId: string | null,
  limit: number,
): Promise<EndpointRow[]> {
  let query = endpoints(db, scope)
  if (status) query = query.where('status', '=', status)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export async function updateEndpoint(db: DbOrTrx, id: string, patch: Updateable<WebhookEndpointsTable>): Promise<void> {
  await db.updateTable('webhook_endpoints').set(patch).where('id', '=', id).execute()
}

/** Stops the retry chains still waiting for an endpoint that was disabled or deleted. */
export async function cancelPending(db: DbOrTrx, endpointId: string): Promise<void> {
  await db
    .updateTable('webhook_queue')
    .set({ status: 'cancelled' })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute()
}

export async function insertDeliveries(db: DbOrTrx, rows: Insertable<WebhookDeliveriesTable>[]): Promise<void> {
  // Chunked: a multi-row insert has one parameter per column and row.
  for (let start = 0; start < rows.length; start += 200) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(start, start + 200))
      .execute()
  }
}

export function listDeliveries(
  db: DbOrTrx,
  endpointId: string,
  eventId: string | undefined,
  afterId: string | null,
  limit: number,
): Promise<DeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId)
  if (eventId !== undefined) query = query.where('event_id', '=', eventId)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export function findDelivery(db: DbOrTrx, endpointId: string, id: string): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** How many attempts a chain has had, automatic and manual: the next one's number is this + 1. */
export async function countAttempts(db: DbOrTrx, queueId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('queue_id', '=', queueId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A manual retry that got through ends the automatic chain (unless it already ended). */
export async function markDelivered(db: DbOrTrx, queueId: string): Promise<void> {
  await db
    .updateTable('webhook_queue')
    .set({ status: 'delivered' })
    .where('id', '=', queueId)
    .where('status', 'in', ['pending', 'failed'])
    .execute()
}
