// The events webhooks carry, readable through the API as well (for reconciling after downtime).
// An event is as private as its object: a key sees only the types whose read ability it holds
// (order.* → orders:read, customer.* → customers:read, product.* → products:read, payout.* → payouts:read).
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { notFound } from '../../platform/errors.ts'
import { isId } from '../../platform/ids.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { EVENT_TYPES } from '../../platform/outbox/outbox.ts'
import * as events from '../../platform/outbox/events.repository.ts'
import { openEvent, toApiEvent } from './webhooks.mappers.ts'
import type { ApiEvent, ListEventsQuery } from './webhooks.schemas.ts'
import { assertMayRead, readableTypes } from './subscriptions.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'db' | 'secretBox'>

/** Newest first, leaving out the types the key may not read; asking for such a type by name is a 403. */
export async function listEvents(services: Deps, ctx: RequestContext, query: ListEventsQuery) {
  if (query.type !== undefined) assertMayRead(ctx.auth.abilities, query.type)
  const page = readPage(query, 'events', { type: query.type, object_id: query.object_id })
  const readable = readableTypes(ctx.auth.abilities)
  const types = query.type !== undefined ? [query.type] : readable.length === EVENT_TYPES.length ? undefined : readable
  const filters = { types, objectId: query.object_id }
  const rows =
    types?.length === 0 ? [] : await events.listEvents(services.db, ctx.auth, filters, page.afterId, page.limit)
  return toList(rows, page, (row) => toApiEvent(openEvent(row, services.secretBox)))
}

/** 404 when there is no such event in this shop and mode; 403 naming the ability when the key may not read it. */
export async function getEvent(services: Deps, ctx: RequestContext, id: string): Promise<ApiEvent> {
  const row = isId('event', id) ? await events.findEvent(services.db, ctx.auth, id) : undefined
  if (!row) throw notFound('event', id)
  assertMayRead(ctx.auth.abilities, row.type)
  return toApiEvent(openEvent(row, services.secretBox))
}
