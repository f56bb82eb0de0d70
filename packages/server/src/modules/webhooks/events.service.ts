// The events webhooks carry, readable through the API as well (for reconciling after downtime).
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { notFound } from '../../platform/errors.ts'
import { isId } from '../../platform/ids.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import * as repo from './webhooks.repository.ts'
import { toApiEvent } from './webhooks.mappers.ts'
import type { ApiEvent, ListEventsQuery } from './webhooks.schemas.ts'

export async function listEvents(services: Services, ctx: RequestContext, query: ListEventsQuery) {
  const page = readPage(query, 'events', { type: query.type })
  const rows = await repo.listEvents(services.db, ctx.auth, query.type, page.afterId, page.limit)
  return toList(rows, page, toApiEvent)
}

export async function getEvent(services: Services, ctx: RequestContext, id: string): Promise<ApiEvent> {
  const row = isId('event', id) ? await repo.findEvent(services.db, ctx.auth, id) : undefined
  if (!row) throw notFound('event', id)
  return toApiEvent(row)
}
