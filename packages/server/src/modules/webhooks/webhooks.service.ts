// Webhook endpoints: create, read, list, change, delete, rotate the secret, send a test ping,
// and retry one logged attempt by hand. Sending itself never happens inside a transaction.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields, notFound } from '../../platform/errors.ts'
import { isId, newId } from '../../platform/ids.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { newSigningSecret } from '../../platform/signing.ts'
import { checkOutboundUrl } from '../../platform/outbound/url-guard.ts'
import * as repo from './webhooks.repository.ts'
import { findEvent } from '../../platform/outbox/events.repository.ts'
import { eventBody, openEvent, toDelivery, toWebhook, type DeliveryRow, type EndpointRow } from './webhooks.mappers.ts'
import { assertMaySubscribe } from './subscriptions.ts'
import {
  MAX_ENDPOINTS,
  type CreateWebhookBody,
  type ListDeliveriesQuery,
  type ListWebhooksQuery,
  type UpdateWebhookBody,
  type Webhook,
} from './webhooks.schemas.ts'
import { sendEvent, signingSecrets } from './send.ts'
import { modePolicy } from '../../platform/outbound/address-policy.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'secretBox' | 'outbound'>

type Scope = { shopId: string; livemode: boolean }

export async function createWebhook(services: Deps, ctx: RequestContext, body: CreateWebhookBody): Promise<Webhook> {
  assertMaySubscribe(ctx.auth.abilities, body.events)
  await checkUrl(services, ctx.auth.livemode, body.url)
  const secret = newSigningSecret()
  const now = services.clock.now()
  return ctx.transact(async (trx) => {
    if ((await repo.countEndpoints(trx, ctx.auth)) >= MAX_ENDPOINTS) {
      throw new AppError(
        'conflict',
        `This shop already has ${MAX_ENDPOINTS} webhook endpoints in ${ctx.auth.livemode ? 'live' : 'test'} mode; delete one first.`,
      )
    }
    const row: EndpointRow = {
      id: newId('webhook'),
      shop_id: ctx.auth.shopId,
      livemode: ctx.auth.livemode ? 1 : 0,
      url: body.url,
      description: body.description ?? null,
      events: JSON.stringify(body.events),
      status: 'active',
      disabled_reason: null,
      secret_sealed: services.secretBox.seal(secret),
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    }
    await repo.insertEndpoint(trx, row)
    return { ...toWebhook(row, now), signing_secret: secret }
  })
}

export async function getWebhook(services: Deps, ctx: RequestContext, id: string): Promise<Webhook> {
  return toWebhook(await loadEndpoint(services.db, ctx.auth, id), services.clock.now())
}

export async function listWebhooks(services: Deps, ctx: RequestContext, query: ListWebhooksQuery) {
  const page = readPage(query, 'webhooks', { status: query.status })
  const rows = await repo.listEndpoints(services.db, ctx.auth, query.status, page.afterId, page.limit)
  const now = services.clock.now()
  return toList(rows, page, (row) => toWebhook(row, now))
}

/** New `events`, or a new `url` for the events it has (a new receiver), need the abilities reading them needs. */
export async function updateWebhook(
  services: Deps,
  ctx: RequestContext,
  id: string,
  body: UpdateWebhookBody,
): Promise<Webhook> {
  if (body.events !== undefined) assertMaySubscribe(ctx.auth.abilities, body.events)
  if (body.url !== undefined) await checkUrl(services, ctx.auth.livemode, body.url)
  const now = services.clock.now()
  return ctx.transact(async (trx) => {
    const current = await loadEndpoint(trx, ctx.auth, id)
    if (body.url !== undefined && body.events === undefined)
      assertMaySubscribe(ctx.auth.abilities, JSON.parse(current.events) as string[])
    const enabling = body.status === 'active' && current.status !== 'active'
    const disabling = body.status === 'disabled' && current.status !== 'disabled'
    await repo.updateEndpoint(trx, id, {
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.events !== undefined ? { events: JSON.stringify(body.events) } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      // Re-enabled endpoints start healthy; a merchant's own disable carries no reason.
      ...(enabling || disabling ? { disabled_reason: null, failing_since: null } : {}),
      updated_at: now,
    })
    if (disabling) await repo.cancelPending(trx, id)
    return toWebhook((await repo.findEndpoint(trx, ctx.auth, id))!, now)
  })
}

/** Deleting stops everything still queued for it; its attempt log stays for the shop's records. */
export async function deleteWebhook(services: Deps, ctx: RequestContext, id: string) {
  const now = services.clock.now()
  return ctx.transact(async (trx) => {
    await loadEndpoint(trx, ctx.auth, id)
    await repo.updateEndpoint(trx, id, { deleted_at: now, status: 'disabled', updated_at: now })
    await repo.cancelPending(trx, id)
    return { id, deleted: true as const }
  })
}

/** A new secret; the old one keeps signing beside it for WEBHOOK_ROTATION_OVERLAP_SECONDS. */
export async function rotateSecret(services: Deps, ctx: RequestContext, id: string): Promise<Webhook> {
  const secret = newSigningSecret()
  const now = services.clock.now()
  return ctx.transact(async (trx) => {
    const current = await loadEndpoint(trx, ctx.auth, id)
    await repo.updateEndpoint(trx, id, {
      secret_sealed: services.secretBox.seal(secret),
      previous_secret_sealed: current.secret_sealed,
      previous_secret_expires_at: now + services.config.webhooks.rotationOverlapSeconds * 1000,
      updated_at: now,
    })
    return { ...toWebhook((await repo.findEndpoint(trx, ctx.auth, id))!, now), signing_secret: secret }
  })
}

/** Sends a really signed `ping` event now and logs the attempt (it is not stored as an event). */
export async function testWebhook(services: Deps, ctx: RequestContext, id: string) {
  const endpoint = await loadEndpoint(services.db, ctx.auth, id)
  const now = services.clock.now()
  const event = {
    id: newId('event'),
    type: 'ping',
    created_at: now,
    livemode: endpoint.livemode,
    data: JSON.stringify({ webhook_id: id, url: endpoint.url }),
  }
  const result = await sendEvent(services, target(services, endpoint, now), {
    id: event.id,
    type: event.type,
    body: eventBody(event),
  })
  const deliveryId = newId('webhookDelivery')
  await repo.insertDeliveries(services.db, [
    {
      id: deliveryId,
      endpoint_id: id,
      event_id: event.id,
      event_type: 'ping',
      queue_id: null,
      attempt: 1,
      trigger: 'test',
      succeeded: result.ok ? 1 : 0,
      response_code: result.status,
      error: result.error,
      response_excerpt: result.excerpt,
      duration_ms: result.durationMs,
      next_retry_at: null,
      created_at: now,
    },
  ])
  return {
    delivered: result.ok,
    response_code: result.status,
    delivery_ms: result.durationMs,
    error: result.error,
    delivery_id: deliveryId,
  }
}

/** Every attempt at this endpoint, newest first; `event_id` narrows it to one event's chain. */
export async function listDeliveries(services: Deps, ctx: RequestContext, id: string, query: ListDeliveriesQuery) {
  await loadEndpoint(services.db, ctx.auth, id)
  const page = readPage(query, `webhooks/${id}/deliveries`, { event_id: query.event_id })
  const rows = await repo.listDeliveries(services.db, id, query.event_id, page.afterId, page.limit)
  return toList(rows, page, toDelivery)
}

/** Sends the attempt's event again now; a success ends its automatic chain. Answers the new attempt. */
export async function retryDelivery(services: Deps, ctx: RequestContext, id: string, deliveryId: string) {
  const endpoint = await loadEndpoint(services.db, ctx.auth, id)
  const previous = isId('webhookDelivery', deliveryId)
    ? await repo.findDelivery(services.db, id, deliveryId)
    : undefined
  if (!previous) throw notFound('webhook delivery', deliveryId)
  if (previous.queue_id === null)
    throw new AppError('conflict', 'A test ping cannot be retried; POST /v1/webhooks/{id}/test sends another.')
  const stored = await findEvent(services.db, ctx.auth, previous.event_id)
  if (!stored)
    throw new AppError(
      'conflict',
      `Event ${previous.event_id} is no longer kept (EVENTS_RETENTION_DAYS); it cannot be sent again.`,
    )
  const event = openEvent(stored, services.secretBox)
  const now = services.clock.now()
  const result = await sendEvent(services, target(services, endpoint, now), {
    id: event.id,
    type: event.type,
    body: eventBody(event),
  })
  const queueId = previous.queue_id
  const row: DeliveryRow = {
    id: newId('webhookDelivery'),
    endpoint_id: id,
    event_id: event.id,
    event_type: event.type,
    queue_id: queueId,
    attempt: 0,
    trigger: 'manual',
    succeeded: result.ok ? 1 : 0,
    response_code: result.status,
    error: result.error,
    response_excerpt: result.excerpt,
    duration_ms: result.durationMs,
    next_retry_at: null,
    created_at: now,
  }
  await services.db.transaction().execute(async (trx) => {
    row.attempt = (await repo.countAttempts(trx, queueId)) + 1
    await repo.insertDeliveries(trx, [row])
    if (result.ok) await repo.markDelivered(trx, queueId)
  })
  return toDelivery(row)
}

export async function loadEndpoint(db: Services['db'], scope: Scope, id: string): Promise<EndpointRow> {
  const row = isId('webhook', id) ? await repo.findEndpoint(db, scope, id) : undefined
  if (!row) throw notFound('webhook', id)
  return row
}

function target(services: Deps, endpoint: EndpointRow, now: number) {
  return { url: endpoint.url, livemode: endpoint.livemode === 1, secrets: signingSecrets(services, endpoint, now) }
}

async function checkUrl(services: Deps, livemode: boolean, url: string): Promise<void> {
  const check = await checkOutboundUrl(url, modePolicy(livemode, services.config.allowPrivateUrls))
  if (!check.ok) throw invalidFields({ url: [check.reason] })
}
